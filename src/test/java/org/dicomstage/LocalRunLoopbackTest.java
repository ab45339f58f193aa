package org.dicomstage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;
import org.dicomstage.workflow.ZptEngines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The local run's engine gateway and web server cannot be reached from another machine: connecting to this
 * machine's own non-loopback address is refused, while loopback answers. (Issue 11: a gRPC client on the network
 * read the topology and changed a live instance; the demo passwords worked from the network.)
 */
class LocalRunLoopbackTest {

    private static InetAddress external;

    @BeforeAll
    static void nonLoopbackAddress() throws SocketException {
        Optional<InetAddress> found = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(LocalRunLoopbackTest::up)
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        assumeTrue(found.isPresent(), "this machine has no non-loopback IPv4 address to connect to from itself");
        external = found.get();
    }

    @Test
    void theEngineGatewayListensOnLoopbackOnly() throws IOException {
        ZeebeTestEngine engine = ZptEngines.start(0);
        try {
            int port = ZptEngines.port(engine);
            assertReachable(InetAddress.getLoopbackAddress(), port);
            assertThatThrownBy(() -> connect(external, port)).as("gateway on %s:%d", external, port)
                    .isInstanceOf(ConnectException.class);
        } finally {
            engine.stop();
        }
    }

    @Test
    void theWebServerListensOnLoopbackOnly() throws IOException {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebServerOnly.class)
                .web(WebApplicationType.SERVLET).properties(LocalDicomStage.bindDefaults())
                .properties("server.port=0").run()) {
            int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
            assertReachable(InetAddress.getLoopbackAddress(), port);
            assertThatThrownBy(() -> connect(external, port)).as("web server on %s:%d", external, port)
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static void assertReachable(InetAddress address, int port) throws IOException {
        connect(address, port);
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            assertThat(socket.isConnected()).isTrue();
        }
    }

    private static boolean up(NetworkInterface i) {
        try {
            return i.isUp() && !i.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    /** Only the web server the local run configures, with the local run's bind defaults. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ServletWebServerFactoryAutoConfiguration.class)
    static class WebServerOnly {
    }
}
