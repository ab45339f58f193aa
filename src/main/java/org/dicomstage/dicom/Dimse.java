package org.dicomstage.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;

/** PixelMed association plumbing shared by the SCU and SCP sides. */
final class Dimse {

    /** Larger than PixelMed's 16 KB default: fewer PDUs per 512 KB CT slice. */
    static final int MAX_PDU_LENGTH = 65536;
    static final int SOCKET_BUFFER = 1 << 20;

    private static final Field SOCKET_FIELD = socketField();
    private static final Pattern WRAPPED_CAUSE =
            Pattern.compile("(?:[a-z]+\\.)+[A-Za-z]*(?:Exception|Error): (.+)$");

    /** Association set-up runs here so a connect timeout can be enforced: PixelMed has none. */
    private static final ExecutorService CONNECTORS = Executors.newVirtualThreadPerTaskExecutor();

    private Dimse() {
    }

    static {
        shortenReleaseWait();
    }

    /**
     * PixelMed's acceptor waits a fixed 5 s (ARTIM) after A-RELEASE-RP before closing, without watching
     * the socket, so every served association holds its thread 5 s longer than needed and a bounded SCP
     * pool stalls; and our SCU waits for that close before it gives up its slot ({@link #releaseQuietly}), so
     * each association would cost the caller 5 s more. The wait is a plain timed wait (nothing ends it early).
     * The RP is flushed before the wait and the peer has half-closed right after reading it: 1 ms is enough (0
     * would mean forever). JVM-wide, as PixelMed's field is static.
     */
    private static void shortenReleaseWait() {
        try {
            Field f = Association.class.getDeclaredField("associationReleaseToTransportConnectionCloseTimeoutInMilliseconds");
            f.setAccessible(true);
            f.setInt(null, 1);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Dimse.class).warn("cannot shorten PixelMed's release wait: {}", e.toString());
        }
    }

    /** Makes sure the PixelMed adjustments above are in force before any association is served. */
    static void configurePixelMed() {
        // class initialisation does the work
    }

    private static Field socketField() {
        try {
            Field f = Association.class.getDeclaredField("socket");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("PixelMed Association has no 'socket' field: " + e);
        }
    }

    static Socket socketOf(Association association) {
        try {
            return (Socket) SOCKET_FIELD.get(association);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PixelMed never sets TCP_NODELAY; without it every small DIMSE message waits for a delayed ACK
     * (about 40 ms per instance). The read timeout also turns a silent peer into an exception.
     */
    static void tune(Association association, Duration readTimeout) throws IOException {
        Socket socket = socketOf(association);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(millis(readTimeout));
    }

    static int millis(Duration d) {
        return d == null || d.isZero() || d.isNegative() ? 0 : (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /** Opens an association and tunes its socket; fails after {@code connectTimeout}. */
    static Association open(String host, int port, String calledAE, String callingAE,
            LinkedList<?> presentationContexts, LinkedList<?> roleSelections,
            Duration connectTimeout, Duration readTimeout) throws IOException, DicomNetworkException {
        CompletableFuture<Association> future = CompletableFuture.supplyAsync(() -> {
            try {
                Association a = AssociationFactory.createNewAssociation(host, port, calledAE, callingAE,
                        MAX_PDU_LENGTH, SOCKET_BUFFER, SOCKET_BUFFER,
                        presentationContexts, roleSelections, false, null, null);
                tune(a, readTimeout);
                return a;
            } catch (IOException | DicomNetworkException e) {
                throw new AssociationFailure(e);
            }
        }, CONNECTORS);
        try {
            int timeout = millis(connectTimeout);
            return timeout == 0 ? future.get() : future.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.thenAccept(Dimse::abortQuietly);
            throw new IOException("no association within " + connectTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.thenAccept(Dimse::abortQuietly);
            throw new IOException("interrupted while associating");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssociationFailure f) {
                if (f.getCause() instanceof IOException io) {
                    throw io;
                }
                throw (DicomNetworkException) f.getCause();
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Releases the association and returns once the peer has closed the connection (or {@link #PEER_CLOSE_WAIT}
     * has passed). Callers give up their association slot right after this returns, and an archive counts an
     * association as in use until it closes its end: returning on A-RELEASE-RP alone would let the next holder of
     * the slot connect while the archive still serves this one (per PS3.8 the acceptor closes on our FIN).
     */
    static void releaseQuietly(Association association) {
        if (association == null) {
            return;
        }
        try {
            association.release(); // ends with our FIN (shutdownOutput) after the A-RELEASE-RP
        } catch (Exception e) {
            abortQuietly(association);
            return;
        }
        closeAfterPeer(socketOf(association));
    }

    /**
     * Sends A-ABORT and, as {@link #releaseQuietly}, returns once the peer has closed the connection. Not
     * PixelMed's {@code abort()}: that closes our socket after a blind timed wait, so we could not tell when the
     * peer is done. Whatever the peer still sends (e.g. C-GET sub-operations) is read and dropped, so a peer
     * blocked on writing gets to read the abort.
     */
    static void abortQuietly(Association association) {
        if (association == null) {
            return;
        }
        Socket socket = socketOf(association);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(A_ABORT);
            out.flush();
            socket.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket); // the peer is gone already, or our end is: nothing left to wait for
            return;
        }
        closeAfterPeer(socket);
    }

    /** A-ABORT PDU (PS3.8 9.3.8): type 07H, length 4, source 0 (service user), reason 0. */
    private static final byte[] A_ABORT = {0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0};

    /**
     * Bounds the wait for the peer's close: PixelMed acceptors close at the latest after their ARTIM wait (5 s by
     * default), DCMTK-based ones such as Orthanc right after the release reply. Past it we close anyway.
     */
    static final Duration PEER_CLOSE_WAIT = Duration.ofSeconds(5);

    /** Our side is shut down already: reads (and drops) until the peer's end of stream, then closes. */
    private static void closeAfterPeer(Socket socket) {
        long deadline = System.nanoTime() + PEER_CLOSE_WAIT.toNanos();
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LoggerFactory.getLogger(Dimse.class).debug("{} did not close within {} ms; closing",
                            socket.getRemoteSocketAddress(), PEER_CLOSE_WAIT.toMillis());
                    break;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                if (in.read(sink) < 0) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // reset, timeout or closed: the connection is over either way
        } finally {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** An identifier or command data set encoded in the presentation context's transfer syntax. */
    static byte[] encode(AttributeList list, String transferSyntaxUID) throws IOException, DicomException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, null, transferSyntaxUID);
        list.write(out);
        out.close();
        return bytes.toByteArray();
    }

    static void put(AttributeList list, AttributeTag tag, String value) {
        try {
            Attribute a = AttributeFactory.newAttribute(tag,
                    DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag));
            if (value != null && !value.isEmpty()) {
                for (String v : value.split("\\\\", -1)) {
                    a.addValue(v);
                }
            }
            list.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot build " + tag + ": " + e.getMessage(), e);
        }
    }

    static void putLevel(AttributeList list, String level) {
        try {
            Attribute a = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
            a.addValue(level);
            list.put(a);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getDelimitedStringValuesOrEmptyString(list, tag).trim();
    }

    static int integer(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleIntegerValueOrDefault(list, tag, 0);
    }

    /** The innermost useful message: "Connection refused" rather than a chain of wrappers. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = t.getMessage();
        }
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // PixelMed flattens causes into its message: "A-P-ABORT indication - (host:port) - java.net.ConnectException: Connection refused"
        Matcher wrapped = WRAPPED_CAUSE.matcher(message);
        return wrapped.find() ? wrapped.group(1) : message;
    }

    private static final class AssociationFailure extends RuntimeException {
        AssociationFailure(Exception cause) {
            super(cause);
        }
    }
}
