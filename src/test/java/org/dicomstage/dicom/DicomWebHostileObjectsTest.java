package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.dicomstage.testing.HostileObjectGenerator;
import org.dicomstage.testing.HostileObjectGenerator.HostileObject;

/**
 * The hostile objects of issue 11 as DICOMweb multipart parts without Part-10 header (the parts the node reads itself
 * to add one, as Orthanc sends them): each fails the retrieve with the part and the reason named, the consumer never
 * sees it, and nothing escapes as an {@link Error}.
 */
class DicomWebHostileObjectsTest {

    @Test
    void eachHostilePartFailsTheRetrieveNamingItAndWhy() throws Exception {
        AtomicReference<byte[]> body = new AtomicReference<>();
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> serve(server, body), "fake-dicomweb");
            peer.setDaemon(true);
            peer.start();
            DicomNodeConfig config = new DicomNodeConfig("web1", DicomNodeConfig.Kind.DICOMWEB, null, null, 0, null,
                    null, null, "http://127.0.0.1:" + server.getLocalPort() + "/dicom-web", null,
                    Duration.ofSeconds(2), Duration.ofSeconds(10), 1);
            try (DicomWebNode node = new DicomWebNode(config)) {
                for (HostileObject object : HostileObjectGenerator.all()) {
                    body.set(object.dataset());
                    AtomicInteger consumed = new AtomicInteger();
                    assertThatThrownBy(() -> node.retrieveSeries("1.2", "1.2.3", file -> consumed.incrementAndGet()))
                            .as(object.name())
                            .isInstanceOf(DicomNodeException.class)
                            .hasMessageContaining("web1")
                            .hasMessageContaining("part 1")
                            .hasMessageContaining(HostileObjectGenerator.REASONS.get(object.name()));
                    assertThat(consumed).as(object.name()).hasValue(0);
                }
            }
        }
    }

    /** Answers every request with one multipart/related response holding the current body as its only part. */
    private static void serve(ServerSocket server, AtomicReference<byte[]> body) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                readRequestHead(socket.getInputStream());
                ByteArrayOutputStream multipart = new ByteArrayOutputStream();
                multipart.writeBytes("--xyz\r\nContent-Type: application/dicom\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                multipart.writeBytes(body.get());
                multipart.writeBytes("\r\n--xyz--\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] content = multipart.toByteArray();
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\n"
                        + "Content-Type: multipart/related; type=\"application/dicom\"; boundary=xyz\r\n"
                        + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(content);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // closed at the end of the test, or the client went away
            }
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) != -1) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
