package org.dicomstage.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.MoveSOPClassSCU;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.SCUSCPRoleSelection;

/**
 * A remote DICOM archive over DIMSE, through PixelMed SCUs on associations we open ourselves (so
 * TCP_NODELAY is set). At most {@code maxAssociations} associations are open at once; callers beyond
 * that wait in arrival order. An association counts until the archive has closed the connection, not just until
 * its A-RELEASE-RP ({@link Dimse#releaseQuietly}).
 */
public final class DimseNode implements DicomNode {

    private static final Logger log = LoggerFactory.getLogger(DimseNode.class);

    private static final List<String> UNCOMPRESSED = List.of(
            TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian);
    /** Offered for C-GET sub-operations after the uncompressed ones, so compressed archives need not transcode. */
    private static final List<String> COMPRESSED = List.of(
            TransferSyntax.JPEGLossless, TransferSyntax.JPEGLosslessSV1, TransferSyntax.JPEGBaseline,
            TransferSyntax.JPEG2000Lossless, TransferSyntax.JPEG2000, TransferSyntax.JPEGLS, TransferSyntax.RLE,
            TransferSyntax.DeflatedExplicitVRLittleEndian);
    private static final int MAX_PRESENTATION_CONTEXTS = 127;

    private final DicomNodeConfig config;
    private final MoveReceiver moveReceiver;
    private final Semaphore associations;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger peakInUse = new AtomicInteger();
    private final String description;

    /**
     * @param config       a {@link DicomNodeConfig.Kind#DIMSE} node
     * @param moveReceiver our storage SCP, required when the node retrieves by C-MOVE, else may be null
     */
    public DimseNode(DicomNodeConfig config, MoveReceiver moveReceiver) {
        if (config.kind() != DicomNodeConfig.Kind.DIMSE) {
            throw new IllegalArgumentException("node '" + config.name() + "' is " + config.kind() + ", not DIMSE");
        }
        if (config.aeTitle() == null || config.host() == null || config.port() <= 0 || config.callingAeTitle() == null) {
            throw new IllegalArgumentException("node '" + config.name() + "' needs aeTitle, host, port and callingAeTitle");
        }
        if (config.retrieve() == DicomNodeConfig.RetrieveMethod.C_MOVE) {
            if (moveReceiver == null) {
                throw new IllegalArgumentException("node '" + config.name() + "' retrieves by C-MOVE but no move receiver is running");
            }
            if (config.moveDestinationAeTitle() != null && !config.moveDestinationAeTitle().equals(moveReceiver.aeTitle())) {
                throw new IllegalArgumentException("node '" + config.name() + "' moves to " + config.moveDestinationAeTitle()
                        + " but our move receiver is " + moveReceiver.aeTitle());
            }
        }
        this.config = config;
        this.moveReceiver = moveReceiver;
        this.associations = new Semaphore(Math.max(1, config.maxAssociations()), true);
        this.description = "node '" + config.name() + "' (" + config.aeTitle() + "@" + config.host() + ":" + config.port() + ")";
    }

    @Override
    public String name() {
        return config.name();
    }

    DicomNodeException failure(String operation, Throwable cause) {
        if (cause instanceof DicomNodeException d) {
            return d;
        }
        return new DicomNodeException(description + ": " + operation + " failed: " + Dimse.rootMessage(cause), cause);
    }

    DicomNodeException failure(String operation, String reason) {
        return new DicomNodeException(description + ": " + operation + " failed: " + reason);
    }

    @FunctionalInterface
    interface AssociationWork<T> {
        T run(Association association) throws Exception;
    }

    /** Takes a permit, opens an association, runs {@code work}, releases both; failures name the node. */
    private <T> T withAssociation(String operation, LinkedList<PresentationContext> contexts,
            LinkedList<SCUSCPRoleSelection> roles, AssociationWork<T> work) {
        acquire(operation);
        try {
            Association association = open(operation, contexts, roles);
            boolean clean = false;
            try {
                T result = work.run(association);
                clean = true;
                return result;
            } catch (CGetRetrieval.ConsumerFailure e) {
                throw consumerFailure(e.getCause());
            } catch (RuntimeException e) {
                if (e instanceof DicomNodeException) {
                    throw e;
                }
                throw failure(operation, e);
            } catch (Exception e) {
                throw failure(operation, e);
            } finally {
                if (clean) {
                    Dimse.releaseQuietly(association);
                } else {
                    Dimse.abortQuietly(association);
                }
            }
        } finally {
            releasePermit();
        }
    }

    void acquire(String operation) {
        try {
            associations.acquire();
            peakInUse.accumulateAndGet(inUse.incrementAndGet(), Math::max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(operation, "interrupted while waiting for a free association");
        }
    }

    void releasePermit() {
        inUse.decrementAndGet();
        associations.release();
    }

    /** Most associations this node ever had open at once (for tests). */
    int peakAssociations() {
        return peakInUse.get();
    }

    Association open(String operation, LinkedList<PresentationContext> contexts, LinkedList<SCUSCPRoleSelection> roles) {
        try {
            return Dimse.open(config.host(), config.port(), config.aeTitle(), config.callingAeTitle(), contexts, roles,
                    config.connectTimeout(), config.readTimeout());
        } catch (Exception e) {
            throw failure(operation, e);
        }
    }

    DicomNodeConfig config() {
        return config;
    }

    private static RuntimeException consumerFailure(Throwable cause) {
        return cause instanceof RuntimeException r ? r : new IllegalStateException("instance consumer failed: " + cause, cause);
    }

    static LinkedList<PresentationContext> contexts(String... abstractSyntaxes) {
        LinkedList<PresentationContext> list = new LinkedList<>();
        int id = 1;
        for (String abstractSyntax : abstractSyntaxes) {
            list.add(new PresentationContext((byte) id, abstractSyntax, new LinkedList<>(UNCOMPRESSED)));
            id += 2;
        }
        return list;
    }

    @Override
    public void echo() {
        withAssociation("C-ECHO", contexts(SOPClass.Verification), null, association -> {
            byte pc = association.getSuitablePresentationContextID(SOPClass.Verification);
            StatusHandler handler = new StatusHandler();
            association.setReceivedDataHandler(handler);
            association.send(pc, new CEchoRequestCommandMessage().getBytes(), null);
            association.waitForCommandPDataPDUs();
            if (handler.getStatus() != 0x0000) {
                throw failure("C-ECHO", String.format("status 0x%04X", handler.getStatus()));
            }
            return null;
        });
    }

    @Override
    public List<PatientEntry> findPatients(String patientID) {
        return Queries.toPatients(find(SOPClass.PatientRootQueryRetrieveInformationModelFind, Queries.patients(patientID)));
    }

    @Override
    public List<StudyEntry> findStudies(String patientID) {
        return Queries.toStudies(find(SOPClass.StudyRootQueryRetrieveInformationModelFind, Queries.studies(patientID)));
    }

    @Override
    public List<SeriesEntry> findSeries(String studyInstanceUID) {
        return Queries.toSeries(find(SOPClass.StudyRootQueryRetrieveInformationModelFind, Queries.series(studyInstanceUID)));
    }

    @Override
    public List<InstanceEntry> findInstances(String studyInstanceUID, String seriesInstanceUID) {
        return Queries.toInstances(find(SOPClass.StudyRootQueryRetrieveInformationModelFind,
                Queries.instances(studyInstanceUID, seriesInstanceUID)));
    }

    private List<AttributeList> find(String model, AttributeList identifier) {
        return withAssociation("C-FIND", contexts(model), null, association -> find(association, model, identifier));
    }

    private static List<AttributeList> find(Association association, String model, AttributeList identifier) throws Exception {
        List<AttributeList> answers = new ArrayList<>();
        new FindSOPClassSCU(association, model, identifier, new IdentifierHandler() {
            @Override
            public void doSomethingWithIdentifier(AttributeList answer) {
                answers.add(answer);
            }
        });
        return answers;
    }

    @Override
    public int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, InstanceConsumer consumer) {
        return retrieveSeries(studyInstanceUID, seriesInstanceUID, List.of(), consumer);
    }

    /** With C-GET, the SOP classes of {@code listed}, when it is not empty, spare a C-FIND. */
    @Override
    public int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, List<InstanceEntry> listed,
            InstanceConsumer consumer) {
        AttributeList identifier = Queries.seriesRetrieve(studyInstanceUID, seriesInstanceUID);
        if (config.retrieve() == DicomNodeConfig.RetrieveMethod.C_MOVE) {
            return retrieveByMove(seriesInstanceUID, identifier, consumer);
        }
        List<InstanceEntry> instances = listed.isEmpty() ? findInstances(studyInstanceUID, seriesInstanceUID) : listed;
        return instances.isEmpty() ? 0 : retrieveByGet(instances, identifier, consumer);
    }

    /** With C-GET only: our C-MOVE receiver waits for whole series. */
    @Override
    public boolean retrievesInstances() {
        return config.retrieve() == DicomNodeConfig.RetrieveMethod.C_GET;
    }

    @Override
    public int retrieveInstances(String studyInstanceUID, String seriesInstanceUID, List<InstanceEntry> instances,
            InstanceConsumer consumer) {
        if (!retrievesInstances()) {
            return DicomNode.super.retrieveInstances(studyInstanceUID, seriesInstanceUID, instances, consumer);
        }
        return retrieveByGet(instances, Queries.instancesRetrieve(studyInstanceUID, seriesInstanceUID, instances),
                consumer);
    }

    /**
     * The C-GET association must offer a storage context for each of the series' SOP classes, with us in the SCP
     * role: it offers exactly those of {@code instances}. An instance of another class, added to the series since
     * it was listed, fails its sub-operation, and so the retrieval, which is worth a retry.
     */
    private int retrieveByGet(List<InstanceEntry> instances, AttributeList identifier, InstanceConsumer consumer) {
        Set<String> sopClasses = new LinkedHashSet<>();
        instances.forEach(i -> sopClasses.add(i.sopClassUID()));
        String model = SOPClass.StudyRootQueryRetrieveInformationModelGet;
        LinkedList<PresentationContext> contexts = contexts(model);
        LinkedList<SCUSCPRoleSelection> roles = new LinkedList<>();
        boolean offerCompressed = 1 + sopClasses.size() * (UNCOMPRESSED.size() + COMPRESSED.size()) <= MAX_PRESENTATION_CONTEXTS;
        int id = 3;
        for (String sopClass : sopClasses) {
            List<String> syntaxes = new ArrayList<>(UNCOMPRESSED);
            if (offerCompressed) {
                syntaxes.addAll(COMPRESSED);
            }
            for (String ts : syntaxes) {
                if (id > 255) {
                    break;
                }
                contexts.add(new PresentationContext((byte) id, sopClass, ts));
                id += 2;
            }
            roles.add(new SCUSCPRoleSelection(sopClass, false, true));
        }
        return withAssociation("C-GET", contexts, roles, association -> {
            Path directory = Files.createTempDirectory("dicomstage-cget-");
            try {
                CGetRetrieval.Result result = CGetRetrieval.run(association, model, identifier, directory, consumer);
                if (!result.successful()) {
                    throw failure("C-GET", String.format("status 0x%04X, %d completed, %d failed, %d warnings",
                            result.status(), result.completed(), result.failed(), result.warnings()));
                }
                return result.delivered();
            } finally {
                deleteTree(directory);
            }
        });
    }

    private int retrieveByMove(String seriesInstanceUID, AttributeList identifier, InstanceConsumer consumer) {
        String model = SOPClass.StudyRootQueryRetrieveInformationModelMove;
        Duration wait = config.readTimeout() == null || config.readTimeout().isZero() ? Duration.ofMinutes(10) : config.readTimeout();
        MoveReceiver.Expectation expectation;
        try {
            expectation = moveReceiver.expect(seriesInstanceUID, wait.multipliedBy(10));
        } catch (TimeoutException e) {
            throw failure("C-MOVE", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("C-MOVE", "interrupted");
        }
        try (expectation) {
            acquire("C-MOVE");
            Association association;
            try {
                association = open("C-MOVE", contexts(model), null);
            } catch (RuntimeException e) {
                releasePermit();
                throw e;
            }
            Thread mover = Thread.ofVirtual().name("cmove-" + config.name()).start(() -> {
                try {
                    MoveSOPClassSCU move = new MoveSOPClassSCU(association, moveReceiver.aeTitle(), model, identifier);
                    Dimse.releaseQuietly(association);
                    expectation.finish(move.getStatus() == 0x0000 ? null
                            : new IOException(String.format("status 0x%04X", move.getStatus())));
                } catch (Exception e) {
                    Dimse.abortQuietly(association);
                    expectation.finish(e);
                } finally {
                    releasePermit();
                }
            });
            int delivered = 0;
            boolean finishedByPeer = false;
            try {
                while (true) {
                    Object item = expectation.next(wait);
                    if (item == null) {
                        throw failure("C-MOVE", "nothing received for " + wait.toSeconds() + " s");
                    }
                    if (item instanceof MoveReceiver.Expectation.Finished finished) {
                        finishedByPeer = true;
                        if (finished.failure() != null) {
                            throw failure("C-MOVE", finished.failure());
                        }
                        return delivered;
                    }
                    Path file = (Path) item;
                    try {
                        consumer.accept(file);
                        delivered++;
                    } catch (Exception e) {
                        throw consumerFailure(e);
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }
            } catch (IOException e) {
                throw failure("C-MOVE", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("C-MOVE", "interrupted");
            } finally {
                if (!finishedByPeer) {
                    // We stopped early: refuse what is still coming, so the peer's sub-operations end, and make
                    // the peer stop sending too.
                    expectation.close();
                    Dimse.abortQuietly(association);
                }
                // The caller gives up its slot on return: not before the mover's association has ended.
                awaitQuietly(mover, Dimse.PEER_CLOSE_WAIT.multipliedBy(2));
            }
        }
    }

    @Override
    public List<AttributeList> retrieveHeaders(String studyInstanceUID, String seriesInstanceUID) {
        List<AttributeList> headers = new ArrayList<>();
        retrieveSeries(studyInstanceUID, seriesInstanceUID, file -> headers.add(EmbeddedArchive.readHeader(file)));
        return headers;
    }

    @Override
    public StoreSession openStoreSession() {
        acquire("C-STORE");
        return new DimseStoreSession(this);
    }

    private static void awaitQuietly(Thread thread, Duration wait) {
        try {
            if (!thread.join(wait)) {
                log.warn("{} still running after {} ms", thread.getName(), wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // temp directory: best effort
        }
    }

    /** Keeps the status of a single-response command (C-ECHO, C-STORE). */
    static final class StatusHandler extends CompositeResponseHandler {
        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xffff);
            success = status == 0x0000;
            setDone(true);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
