package org.dicomstage.dicom;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;

/**
 * Accept loop for a PixelMed SCP: we accept sockets ourselves so TCP_NODELAY is set before PixelMed
 * negotiates, and run each association on a bounded pool (extra associations wait in the queue).
 */
final class ScpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScpServer.class);
    /** A peer silent this long inside an association is gone; its thread is needed by others. */
    private static final int IDLE_TIMEOUT_MILLIS = 5 * 60 * 1000;

    private final String name;
    private final InetAddress bindAddress;
    private final int requestedPort;
    private final int maxAssociations;
    private final Function<Socket, Runnable> associationHandler;
    /** Connections from acceptance until we first close (or half-close) them: see {@link TrackedSocket}. */
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile ServerSocket serverSocket;
    private volatile ExecutorService workers;
    private volatile Thread acceptor;

    ScpServer(String name, InetAddress bindAddress, int port, int maxAssociations,
            Function<Socket, Runnable> associationHandler) {
        this.name = name;
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.maxAssociations = Math.max(1, maxAssociations);
        this.associationHandler = associationHandler;
    }

    synchronized void start() throws IOException {
        if (serverSocket != null) {
            return;
        }
        Dimse.configurePixelMed();
        ServerSocket socket = new TrackingServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(bindAddress, requestedPort), 50);
        AtomicInteger threadNumber = new AtomicInteger();
        workers = new ThreadPoolExecutor(maxAssociations, maxAssociations, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-assoc-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        serverSocket = socket;
        acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        ServerSocket socket = serverSocket;
        if (socket == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return socket.getLocalPort();
    }

    /**
     * Most connections open at once, each counted from its acceptance until this side first shuts down its output
     * or closes it. That end is counted before the FIN leaves, so a peer that waits for our close before it lets
     * its next association start (as our SCU does) can never be counted twice here: this is the number of
     * associations the archive served at once, including ones still waiting in the queue for a thread.
     */
    int peakAssociations() {
        return peak.get();
    }

    int associationsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        ServerSocket server = serverSocket;
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                log.warn("{}: accept failed: {}", name, e.getMessage());
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            } catch (IOException e) {
                // e.g. reset by the peer already: this connection is over, not the server
                log.debug("{}: dropping connection from {}: {}", name, socket.getRemoteSocketAddress(), e.getMessage());
                closeQuietly(socket);
                continue;
            }
            try {
                workers.execute(() -> serve(socket));
            } catch (RuntimeException e) {
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try {
            associationHandler.apply(socket).run();
        } catch (RuntimeException e) {
            log.warn("{}: association from {} failed: {}", name, socket.getRemoteSocketAddress(), e.toString());
        } finally {
            // PixelMed's SCP leaves the socket open when an association ends in an exception.
            closeQuietly(socket);
        }
    }

    /**
     * Hands out {@link TrackedSocket}s: PixelMed shuts down the output (A-RELEASE-RP sent and its ARTIM wait over,
     * or A-ABORT received) on the socket it is given, so the socket itself is where the end of use shows.
     */
    private final class TrackingServerSocket extends ServerSocket {
        TrackingServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            if (isClosed()) {
                throw new SocketException("Socket is closed");
            }
            TrackedSocket socket = new TrackedSocket();
            implAccept(socket);
            accepted.incrementAndGet();
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
            return socket;
        }
    }

    /** Counts as in use until its first shutdownOutput or close, which it counts before passing them on. */
    private final class TrackedSocket extends Socket {
        private final AtomicBoolean ended = new AtomicBoolean();

        private void end() {
            if (ended.compareAndSet(false, true)) {
                active.decrementAndGet();
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            end();
            super.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            end();
            super.close();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public synchronized void close() {
        ServerSocket socket = serverSocket;
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdown();
        try {
            // let associations that are just releasing finish quietly before interrupting the rest
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(5, TimeUnit.SECONDS);
            }
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        serverSocket = null;
    }

    /**
     * Accepts storage, verification and query/retrieve SOP classes with any transfer syntax PixelMed
     * recognises, so stored files keep the transfer syntax they were sent in. Explicit VR little endian
     * is preferred when a context offers several.
     */
    static final class AcceptingPolicy implements PresentationContextSelectionPolicy {

        private static final List<String> QUERY_RETRIEVE = List.of(
                SOPClass.StudyRootQueryRetrieveInformationModelFind,
                SOPClass.StudyRootQueryRetrieveInformationModelMove,
                SOPClass.StudyRootQueryRetrieveInformationModelGet,
                SOPClass.PatientRootQueryRetrieveInformationModelFind,
                SOPClass.PatientRootQueryRetrieveInformationModelMove,
                SOPClass.PatientRootQueryRetrieveInformationModelGet);

        private static final byte ACCEPTANCE = 0;
        private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
        private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

        @Override
        public LinkedList applyPresentationContextSelectionPolicy(LinkedList contexts, int associationNumber, int debugLevel) {
            return applyPresentationContextSelectionPolicy(contexts, associationNumber);
        }

        @Override
        public LinkedList applyPresentationContextSelectionPolicy(LinkedList contexts, int associationNumber) {
            boolean retrievesByGet = false;
            for (Object o : contexts) {
                String abstractSyntax = ((PresentationContext) o).getAbstractSyntaxUID();
                retrievesByGet |= SOPClass.StudyRootQueryRetrieveInformationModelGet.equals(abstractSyntax)
                        || SOPClass.PatientRootQueryRetrieveInformationModelGet.equals(abstractSyntax);
            }
            for (Object o : contexts) {
                PresentationContext pc = (PresentationContext) o;
                String abstractSyntax = pc.getAbstractSyntaxUID();
                boolean supported = abstractSyntax != null && (SOPClass.isStorage(abstractSyntax)
                        || SOPClass.isVerification(abstractSyntax) || QUERY_RETRIEVE.contains(abstractSyntax));
                List<?> proposed = List.copyOf(pc.getTransferSyntaxUIDs());
                pc.newTransferSyntaxUIDs();
                if (!supported) {
                    pc.setResultReason(ABSTRACT_SYNTAX_NOT_SUPPORTED);
                    continue;
                }
                // PixelMed sends C-GET sub-operations on the first accepted "explicit little endian" context of
                // the SOP class, and encapsulated syntaxes count as that: a native file would go out labelled
                // RLE or JPEG. So a C-GET association gets native syntaxes only for its storage contexts.
                boolean nativeOnly = retrievesByGet && SOPClass.isStorage(abstractSyntax);
                String chosen = null;
                for (Object ts : proposed) {
                    if (TransferSyntax.ExplicitVRLittleEndian.equals(ts)) {
                        chosen = (String) ts;
                    }
                }
                for (Object ts : proposed) {
                    if (chosen == null && ts != null && new TransferSyntax((String) ts).isRecognized()
                            && !(nativeOnly && new TransferSyntax((String) ts).isEncapsulated())) {
                        chosen = (String) ts;
                    }
                }
                if (chosen == null) {
                    pc.setResultReason(TRANSFER_SYNTAXES_NOT_SUPPORTED);
                } else {
                    pc.addTransferSyntaxUID(chosen);
                    pc.setResultReason(ACCEPTANCE);
                }
            }
            return contexts;
        }
    }
}
