package org.dicomstage.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/related} body (RFC 2046) part by part from a stream, so a WADO-RS
 * response of any size is never held in memory: each part's body is copied to a sink as it arrives.
 *
 * <p>Not thread-safe; one reader per response.
 */
final class MultipartRelatedReader {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Part headers are a few short lines; anything longer means we are not reading what we think. */
    private static final int MAX_HEADER_LINE = 8 * 1024;
    private static final int MAX_HEADER_LINES = 100;

    private final InputStream in;
    /** CRLF "--" boundary: the delimiter that ends a part body (RFC 2046 section 5.1.1). */
    private final byte[] delimiter;
    /** KMP failure function of {@link #delimiter}, for a scan that never looks back in the stream. */
    private final int[] fallback;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private boolean started;
    private boolean finished;

    MultipartRelatedReader(InputStream in, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new IllegalArgumentException("invalid multipart boundary: " + boundary);
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.fallback = failureFunction(delimiter);
    }

    /**
     * The {@code boundary} parameter of a {@code multipart/...} Content-Type header.
     *
     * @throws IllegalArgumentException when the header is not multipart or has no boundary
     */
    static String boundaryOf(String contentType) {
        if (contentType == null) {
            throw new IllegalArgumentException("no Content-Type");
        }
        Map<String, String> parameters = parameters(contentType);
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.startsWith("multipart/")) {
            throw new IllegalArgumentException("not a multipart Content-Type: " + contentType);
        }
        String boundary = parameters.get("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new IllegalArgumentException("multipart Content-Type without boundary: " + contentType);
        }
        return boundary;
    }

    /**
     * Parameters of a header value such as {@code a/b; x=1; y="q;uoted"}, names lower-cased. Quoted values may
     * contain {@code ;} (the {@code type} parameter of multipart/related usually is quoted).
     */
    static Map<String, String> parameters(String headerValue) {
        Map<String, String> result = new LinkedHashMap<>();
        int i = headerValue.indexOf(';');
        while (i >= 0 && i < headerValue.length()) {
            i++;
            int equals = headerValue.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String name = headerValue.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            int j = equals + 1;
            while (j < headerValue.length() && headerValue.charAt(j) == ' ') {
                j++;
            }
            StringBuilder value = new StringBuilder();
            if (j < headerValue.length() && headerValue.charAt(j) == '"') {
                j++;
                while (j < headerValue.length() && headerValue.charAt(j) != '"') {
                    char c = headerValue.charAt(j);
                    if (c == '\\' && j + 1 < headerValue.length()) {
                        c = headerValue.charAt(++j);
                    }
                    value.append(c);
                    j++;
                }
                i = headerValue.indexOf(';', j);
            } else {
                int end = headerValue.indexOf(';', j);
                value.append(headerValue, j, end < 0 ? headerValue.length() : end);
                i = end;
            }
            result.put(name, value.toString().trim());
        }
        return result;
    }

    /**
     * Copies the body of the next part to {@code body}.
     *
     * @return the part's headers (names lower-cased), or {@code null} after the closing boundary, in which case
     *         nothing was written
     * @throws IOException when the stream ends before the closing boundary or is not multipart
     */
    Map<String, String> nextPart(OutputStream body) throws IOException {
        if (!started) {
            started = true;
            // The first boundary may open the body without a preceding CRLF: scan as if one had been read.
            scanToDelimiter(OutputStream.nullOutputStream(), 2);
            finished = readBoundaryLineIsClosing();
        }
        if (finished) {
            return null;
        }
        Map<String, String> headers = readHeaders();
        scanToDelimiter(body, 0);
        finished = readBoundaryLineIsClosing();
        return headers;
    }

    /**
     * Copies bytes to {@code sink} until the delimiter has been consumed. Bytes that might start the delimiter
     * are held back (as a match length, since they equal a delimiter prefix) until a mismatch releases them.
     */
    private void scanToDelimiter(OutputStream sink, int alreadyMatched) throws IOException {
        int matched = alreadyMatched;
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("multipart body ended before its closing boundary");
            }
            int runStart = position;
            while (position < limit) {
                byte b = buffer[position];
                if (matched == 0) {
                    // Fast path: everything before the next CR is plain body.
                    if (b != CR) {
                        position++;
                        continue;
                    }
                    sink.write(buffer, runStart, position - runStart);
                    matched = 1;
                    position++;
                    runStart = position;
                    continue;
                }
                while (matched > 0 && delimiter[matched] != b) {
                    int keep = fallback[matched - 1];
                    sink.write(delimiter, 0, matched - keep);
                    matched = keep;
                }
                position++;
                runStart = position;
                if (delimiter[matched] == b) {
                    matched++;
                    if (matched == delimiter.length) {
                        return;
                    }
                } else {
                    sink.write(b);
                }
            }
            if (matched == 0) {
                sink.write(buffer, runStart, position - runStart);
            }
        }
    }

    /** After a delimiter: {@code --} closes the body; otherwise skip transport padding up to the CRLF. */
    private boolean readBoundaryLineIsClosing() throws IOException {
        int first = read();
        if (first == '-') {
            if (read() != '-') {
                throw new IOException("malformed multipart boundary line");
            }
            return true;
        }
        int c = first;
        while (c == ' ' || c == '\t') {
            c = read();
        }
        if (c != CR || read() != LF) {
            throw new IOException("malformed multipart boundary line");
        }
        return false;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int lines = 0; ; lines++) {
            if (lines > MAX_HEADER_LINES) {
                throw new IOException("too many multipart part headers");
            }
            String line = readLine();
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed multipart part header: " + abbreviate(line));
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = read();
            if (c == CR) {
                if (read() != LF) {
                    throw new IOException("malformed multipart part header: bare CR");
                }
                return line.toString();
            }
            if (line.length() >= MAX_HEADER_LINE) {
                throw new IOException("multipart part header line too long");
            }
            line.append((char) c);
        }
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            throw new EOFException("multipart body ended before its closing boundary");
        }
        return buffer[position++] & 0xFF;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private static int[] failureFunction(byte[] pattern) {
        int[] failure = new int[pattern.length];
        int k = 0;
        for (int i = 1; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = failure[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            failure[i] = k;
        }
        return failure;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
