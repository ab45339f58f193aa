package org.dicomstage.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.ReceivedObjectHandler;
import com.pixelmed.network.StorageSOPClassSCP;

/**
 * Our storage SCP for C-MOVE: peers send the sub-operations of a move here. Each received instance is
 * routed by its SeriesInstanceUID to the retrieve waiting for that series, which hands it to its consumer
 * and deletes it. The receiving thread waits while the consumer is busy (our C-STORE response waits with
 * it), so only a couple of instances are ever on disk. One retrieve per series at a time; a second
 * retrieve of the same series waits for the first.
 */
public final class MoveReceiver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MoveReceiver.class);

    private final String aeTitle;
    private final Path directory;
    private final Duration handoffTimeout;
    private final ScpServer server;
    private final ConcurrentMap<String, Expectation> expectations = new ConcurrentHashMap<>();

    /**
     * @param aeTitle        the AE title peers know as the move destination
     * @param bindAddress    where to listen (loopback in tests)
     * @param port           port, 0 for a free one
     * @param directory      where incoming instances wait for their consumer
     * @param maxAssociations most incoming associations served at once
     * @param handoffTimeout longest a received instance waits for its consumer before the association is dropped
     */
    public MoveReceiver(String aeTitle, InetAddress bindAddress, int port, Path directory, int maxAssociations,
            Duration handoffTimeout) {
        if (aeTitle == null || aeTitle.isBlank()) {
            throw new IllegalArgumentException("aeTitle is required");
        }
        this.aeTitle = aeTitle;
        this.directory = directory.toAbsolutePath();
        this.handoffTimeout = handoffTimeout;
        this.server = new ScpServer("move-" + aeTitle, bindAddress, port, maxAssociations, this::newAssociation);
    }

    public void start() {
        try {
            Files.createDirectories(directory);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("move receiver " + aeTitle + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.port();
    }

    public String aeTitle() {
        return aeTitle;
    }

    @Override
    public void close() {
        server.close();
    }

    /** Registers a retrieve of one series; waits up to {@code wait} while another retrieve of it runs. */
    Expectation expect(String seriesInstanceUID, Duration wait) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Expectation mine = new Expectation(seriesInstanceUID);
            Expectation running = expectations.putIfAbsent(seriesInstanceUID, mine);
            if (running == null) {
                return mine;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("another retrieve of series " + seriesInstanceUID + " is still running");
            }
            try {
                running.closed.get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException ignored) {
                // closed either way
            }
        }
    }

    private Runnable newAssociation(Socket socket) {
        try {
            return new StorageSOPClassSCP(socket, aeTitle, Dimse.MAX_PDU_LENGTH, Dimse.SOCKET_BUFFER, Dimse.SOCKET_BUFFER,
                    directory.toFile(), new ReceiverNamedFiles(), new Router(),
                    null, null, null, null, new ScpServer.AcceptingPolicy());
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve association: " + e.getMessage(), e);
        }
    }

    private final class Router extends ReceivedObjectHandler {
        @Override
        public void sendReceivedObjectIndication(String fileName, String transferSyntax, String callingAETitle)
                throws DicomException, IOException {
            Path received = Path.of(fileName);
            // a unique name, so a retrieve that deletes after use never races the next instance with this UID
            Path handed = received.resolveSibling(received.getFileName() + "." + System.nanoTime() + ".dcm");
            Files.move(received, handed);
            AttributeList header;
            try {
                PixelDataDigest.checkStructure(handed, "instance from " + callingAETitle);
                header = EmbeddedArchive.readHeader(handed);
            } catch (IllegalArgumentException | StackOverflowError | OutOfMemoryError e) {
                Files.deleteIfExists(handed);
                throw new DicomException("received instance cannot be read: " + e.getMessage());
            }
            String series = Dimse.string(header, TagFromName.SeriesInstanceUID);
            Expectation expectation = expectations.get(series);
            String sop = Dimse.string(header, TagFromName.SOPInstanceUID);
            if (expectation != null && !expectation.seen.add(sop)) {
                // a late copy from an earlier, abandoned move of the same series
                Files.deleteIfExists(handed);
                return;
            }
            if (expectation == null || !expectation.deliver(handed, handoffTimeout)) {
                Files.deleteIfExists(handed);
                if (expectation == null) {
                    log.warn("move receiver {}: instance {} from {} belongs to no running retrieve (series {}); dropped",
                            aeTitle, Dimse.string(header, TagFromName.SOPInstanceUID), callingAETitle, series);
                } else {
                    throw new IOException("retrieve of series " + series + " did not take instance within " + handoffTimeout);
                }
            }
        }
    }

    /** A running retrieve of one series: received files and finally the C-MOVE outcome, in order. */
    final class Expectation implements AutoCloseable {
        private final String seriesInstanceUID;
        private final BlockingQueue<Object> items = new ArrayBlockingQueue<>(1);
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final Set<String> seen = ConcurrentHashMap.newKeySet();

        private Expectation(String seriesInstanceUID) {
            this.seriesInstanceUID = seriesInstanceUID;
        }

        /** Marks the end of the retrieve: null on success, else why it failed. */
        record Finished(Throwable failure) {
        }

        private boolean deliver(Path file, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (!closed.isDone()) {
                    if (items.offer(file, 100, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while handing over " + file);
            }
        }

        void finish(Throwable failure) {
            try {
                while (!closed.isDone()) {
                    if (items.offer(new Finished(failure), 100, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The next received file or {@link Finished}; null after {@code timeout} without either. */
        Object next(Duration timeout) throws InterruptedException {
            return items.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            closed.complete(null);
            expectations.remove(seriesInstanceUID, this);
            Object left;
            while ((left = items.poll()) != null) {
                if (left instanceof Path p) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }
    }
}
