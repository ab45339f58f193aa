package org.dicomstage.workflow;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.engine.EngineFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starting the in-memory Zeebe engine (ZPT, test scope only: its engine is not licensed for production) and
 * the client properties that point the Camunda starter at it.
 */
public final class ZptEngines {

    private ZptEngines() {
    }

    /** Starts an engine with its gRPC gateway on {@code port} (0: a free one); stop it, its threads are non-daemon. */
    public static ZeebeTestEngine start(int port) {
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
        properties.put("camunda.client.grpc-address", "http://localhost:" + port(engine));
        properties.put("camunda.client.rest-address", "http://localhost:" + freePort());
        properties.put("camunda.client.prefer-rest-over-grpc", "false");
        // The first deployment into a fresh engine runs cold code; on a loaded 2-core machine it took over the
        // client's default 10 s, and the context failed to start.
        properties.put("camunda.client.request-timeout", "60s");
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
}
