package org.dicomstage.workflow;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.engine.EngineFactory;
import io.grpc.ServerBuilder;
import io.grpc.ServerProvider;
import io.grpc.ServerRegistry;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starting the in-memory Zeebe engine (ZPT, test scope only: its engine is not licensed for production) and
 * the client properties that point the Camunda starter at it.
 *
 * <p>The engine's gateway has no authentication, so it listens on loopback only. ZPT 8.8's
 * {@code EngineFactory.create(port)} offers no bind address: it builds its gRPC server with
 * {@code ServerBuilder.forPort(port)}, which binds every interface. That call asks gRPC's server registry for a
 * builder, so a provider registered here with a higher priority than Netty's hands out a builder bound to
 * loopback instead. No other gRPC server runs in this JVM (the Camunda client is a gRPC client).
 */
public final class ZptEngines {

    private ZptEngines() {
    }

    /** Starts an engine with its gRPC gateway on loopback {@code port} (0: a free one); stop it, its threads are non-daemon. */
    public static ZeebeTestEngine start(int port) {
        LoopbackServers.install();
        ZeebeTestEngine engine = EngineFactory.create(port == 0 ? freePort() : port);
        try {
            engine.start();
        } catch (RuntimeException e) {
            engine.stop();
            throw e;
        }
        return engine;
    }

    public static int port(ZeebeTestEngine engine) {
        String address = engine.getGatewayAddress();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /**
     * The engine speaks gRPC only. The starter prefers REST by default (and {@code @Deployment} then fails), so
     * force gRPC, and give REST an address where nothing listens so any REST-only call fails fast.
     */
    public static Map<String, Object> clientProperties(ZeebeTestEngine engine) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("camunda.client.mode", "self-managed");
        // The loopback address the gateway listens on, not "localhost", which may resolve to ::1 first.
        properties.put("camunda.client.grpc-address", "http://127.0.0.1:" + port(engine));
        properties.put("camunda.client.rest-address", "http://127.0.0.1:" + freePort());
        properties.put("camunda.client.prefer-rest-over-grpc", "false");
        // The first deployment into a fresh engine runs cold code; on a loaded 2-core machine it took over the
        // client's default 10 s, and the context failed to start.
        properties.put("camunda.client.request-timeout", "60s");
        // ZPT 8.8's gateway drops the tenant id of a deployment and of a new instance (everything lands in
        // <default>) and has neither tenants nor authorizations: no tenant per study here (README, local run).
        properties.put("dicomstage.tenants.enabled", "false");
        return properties;
    }

    /** A port nothing listens on right now (there is a small race; good enough for loopback tests). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** gRPC servers built with {@code ServerBuilder.forPort} in this JVM listen on the loopback address only. */
    static final class LoopbackServers extends ServerProvider {

        private static boolean installed;

        static synchronized void install() {
            if (!installed) {
                ServerRegistry.getDefaultRegistry().register(new LoopbackServers());
                installed = true;
            }
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        /** Above Netty's own provider (5), so the registry picks this one. */
        @Override
        protected int priority() {
            return 10;
        }

        @Override
        protected ServerBuilder<?> builderForPort(int port) {
            return NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }
}
