package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartRelatedReaderTest {

    private static final String BOUNDARY = "b0und-ary";

    @Test
    void readsPartsWithHeadersAndIgnoresPreambleAndEpilogue() throws IOException {
        String body = "preamble, ignored\r\n"
                + "--b0und-ary\r\nContent-Type: application/dicom\r\nContent-Length: 5\r\n\r\nfirst\r\n"
                + "--b0und-ary  \r\ncontent-type: application/dicom; transfer-syntax=1.2.840.10008.1.2\r\n\r\nsecond"
                + "\r\n--b0und-ary--\r\nepilogue, ignored";
        MultipartRelatedReader reader = reader(body.getBytes(StandardCharsets.US_ASCII), Integer.MAX_VALUE);

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        Map<String, String> firstHeaders = reader.nextPart(first);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        Map<String, String> secondHeaders = reader.nextPart(second);

        assertThat(firstHeaders).containsEntry("content-type", "application/dicom").containsEntry("content-length", "5");
        assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo("first");
        assertThat(secondHeaders).containsEntry("content-type", "application/dicom; transfer-syntax=1.2.840.10008.1.2");
        assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("second");
        assertThat(reader.nextPart(new ByteArrayOutputStream())).isNull();
        assertThat(reader.nextPart(new ByteArrayOutputStream())).isNull();
    }

    @Test
    void keepsBodyBytesThatOnlyLookLikeTheDelimiter() throws IOException {
        String tricky = "\r\n\r\r\n-\r\n--\r\n--b0und\r\n--b0und-ar\r\r\n--b0und-arX--b0und-ary\r\n";
        String body = "--b0und-ary\r\n\r\n" + tricky + "\r\n--b0und-ary--";

        for (int chunk : new int[] {1, 2, 3, 7, Integer.MAX_VALUE}) {
            List<byte[]> parts = readAll(reader(body.getBytes(StandardCharsets.US_ASCII), chunk));
            assertThat(parts).hasSize(1);
            assertThat(new String(parts.get(0), StandardCharsets.US_ASCII)).as("chunk %d", chunk).isEqualTo(tricky);
        }
    }

    @Test
    void emptyPartsAndEmptyBodies() throws IOException {
        assertThat(readAll(reader("--b0und-ary--\r\n".getBytes(StandardCharsets.US_ASCII), 4))).isEmpty();
        List<byte[]> parts = readAll(reader("--b0und-ary\r\n\r\n\r\n--b0und-ary--".getBytes(StandardCharsets.US_ASCII), 1));
        assertThat(parts).singleElement().satisfies(part -> assertThat(part).isEmpty());
    }

    @Test
    void randomBinaryPartsSurviveAnyChunking() throws IOException {
        Random random = new Random(20261124);
        byte[] alphabet = "\r\n-b0und-aryX".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 300; round++) {
            List<byte[]> expected = new ArrayList<>();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int count = random.nextInt(4);
            for (int i = 0; i < count; i++) {
                byte[] part = new byte[random.nextInt(200)];
                for (int j = 0; j < part.length; j++) {
                    // Mostly delimiter characters, so near-matches are everywhere.
                    part[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
                }
                String text = new String(part, StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n--" + BOUNDARY)) {
                    continue;
                }
                expected.add(part);
                body.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                body.writeBytes(part);
                body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));

            List<byte[]> actual = readAll(reader(body.toByteArray(), 1 + random.nextInt(70)));

            assertThat(actual).as("round %d", round).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i)).as("round %d part %d", round, i).isEqualTo(expected.get(i));
            }
        }
    }

    @Test
    void largePartIsCopiedWhole() throws IOException {
        byte[] part = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(part);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(part);
        body.writeBytes(("\r\n--" + BOUNDARY + "--").getBytes(StandardCharsets.US_ASCII));

        assertThat(readAll(reader(body.toByteArray(), 10_000))).singleElement()
                .satisfies(p -> assertThat(p).isEqualTo(part));
    }

    @Test
    void streamEndingBeforeTheClosingBoundaryIsAnError() {
        byte[] truncated = "--b0und-ary\r\nContent-Type: application/dicom\r\n\r\nhalf a fi".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(reader(truncated, 3))).isInstanceOf(EOFException.class);

        byte[] noBoundary = "just some text".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(reader(noBoundary, 100))).isInstanceOf(EOFException.class);

        byte[] badHeader = "--b0und-ary\r\nno colon here\r\n\r\nx\r\n--b0und-ary--".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(reader(badHeader, 100))).isInstanceOf(IOException.class)
                .hasMessageContaining("header");
    }

    @Test
    void boundaryFromContentType() {
        assertThat(MultipartRelatedReader.boundaryOf(
                "multipart/related; type=\"application/dicom\"; boundary=158fe2b6-92b1-4667")).isEqualTo("158fe2b6-92b1-4667");
        assertThat(MultipartRelatedReader.boundaryOf(
                "Multipart/Related;boundary=\"quoted;boundary\";type=\"application/dicom;x=1\"")).isEqualTo("quoted;boundary");
        assertThat(MultipartRelatedReader.boundaryOf(
                "multipart/related; type=\"a=b; boundary=fake\"; BOUNDARY = real")).isEqualTo("real");
        assertThatThrownBy(() -> MultipartRelatedReader.boundaryOf("application/dicom+json"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartRelatedReader.boundaryOf("multipart/related; type=\"application/dicom\""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartRelatedReader.boundaryOf(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static MultipartRelatedReader reader(byte[] body, int chunk) {
        return new MultipartRelatedReader(new Chunked(new ByteArrayInputStream(body), chunk), BOUNDARY);
    }

    private static List<byte[]> readAll(MultipartRelatedReader reader) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        while (true) {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            if (reader.nextPart(part) == null) {
                assertThat(part.size()).isZero();
                return parts;
            }
            parts.add(part.toByteArray());
        }
    }

    /** Hands out at most {@code chunk} bytes per read, like a network stream cut at arbitrary places. */
    private static final class Chunked extends FilterInputStream {
        private final int chunk;

        Chunked(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }
    }
}
