package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The parts of {@link DicomWebNode} that need no peer; the rest is in {@link DicomWebNodeIT}. */
class DicomWebNodeTest {

    @Test
    void dicomWildcards() {
        assertThat(DicomWebNode.wildcard("HNC*").matcher("HNC-0522c0009").matches()).isTrue();
        assertThat(DicomWebNode.wildcard("HNC*").matcher("XHNC").matches()).isFalse();
        assertThat(DicomWebNode.wildcard("A?C").matcher("ABC").matches()).isTrue();
        assertThat(DicomWebNode.wildcard("A?C").matcher("ABBC").matches()).isFalse();
        assertThat(DicomWebNode.wildcard("*").matcher("").matches()).isTrue();
        assertThat(DicomWebNode.wildcard("a.b(c)").matcher("a.b(c)").matches()).isTrue();
        assertThat(DicomWebNode.wildcard("a.b").matcher("axb").matches()).isFalse();
    }

    @Test
    void valuesThatNeedEscapingBecomeWildcards() {
        assertThat(DicomWebNode.queryable("HNC-0522c0009")).isEqualTo("HNC-0522c0009");
        assertThat(DicomWebNode.queryable("A B&C=D+E%F#G")).isEqualTo("A?B?C?D?E?F?G");
        assertThat(DicomWebNode.queryable("Müller^*")).isEqualTo("M*ller?*");
    }

    @Test
    void configurationIsChecked() {
        assertThatThrownBy(() -> new DicomWebNode(config(null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("web1");
        assertThatThrownBy(() -> new DicomWebNode(config("ftp://host/dicom-web")))
                .isInstanceOf(IllegalArgumentException.class);
        try (DicomWebNode node = new DicomWebNode(config("http://127.0.0.1:1/dicom-web/"))) {
            assertThat(node.name()).isEqualTo("web1");
            assertThatThrownBy(() -> node.findSeries("1.2.3/../../instances"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> node.retrieveSeries("1.2", "1.2.3?x=1", file -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPeerStallingMidSeriesFailsAfterTheReadTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch done = new CountDownLatch(1);
            Thread peer = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getInputStream().read(new byte[8192]);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\n"
                            + "Content-Type: multipart/related; type=\"application/dicom\"; boundary=xyz\r\n"
                            + "Content-Length: 1000000\r\n\r\n"
                            + "--xyz\r\nContent-Type: application/dicom\r\n\r\nthe first bytes of an instance")
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    done.await(30, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // the test has ended
                }
            });
            peer.setDaemon(true);
            peer.start();
            DicomNodeConfig config = new DicomNodeConfig("web1", DicomNodeConfig.Kind.DICOMWEB, null, null, 0, null,
                    null, null, "http://127.0.0.1:" + server.getLocalPort() + "/dicom-web", null,
                    Duration.ofSeconds(2), Duration.ofMillis(300), 1);

            try (DicomWebNode node = new DicomWebNode(config)) {
                assertThatThrownBy(() -> node.retrieveSeries("1.2", "1.2.3", file -> { }))
                        .isInstanceOf(DicomNodeException.class)
                        .hasMessageContaining("web1")
                        .hasMessageContaining("retrieve series 1.2.3")
                        .hasMessageContaining("no data from the peer for 300 ms");
            } finally {
                done.countDown();
            }
        }
    }

    private static DicomNodeConfig config(String baseUrl) {
        return new DicomNodeConfig("web1", DicomNodeConfig.Kind.DICOMWEB, null, null, 0, null, null, null, baseUrl,
                null, Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
    }
}
