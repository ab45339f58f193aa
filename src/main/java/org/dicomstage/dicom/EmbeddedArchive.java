package org.dicomstage.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.ResponseStatus;
import com.pixelmed.query.QueryResponseGenerator;
import com.pixelmed.query.RetrieveResponseGenerator;

/**
 * An in-process DICOM archive on loopback: one Part-10 file per instance under
 * {@code storageDirectory/study/series/sop.dcm}, an in-memory index rebuilt from the files at start, and an SCP
 * ({@link ArchiveAssociation}) answering C-ECHO, C-STORE, C-FIND, C-GET and C-MOVE (patient and study root) to the
 * calling AE titles configured as its peers.
 *
 * <p>What a peer sends never names a file: a received instance lands in a file the archive creates in its incoming
 * folder, and is filed under its study, series and SOP Instance UIDs only once each is a valid UID and the SOP
 * Instance UID in the data set is the Affected SOP Instance UID of the C-STORE. Before PixelMed parses it, its
 * structure is walked within {@link DicomLimits}. Anything else gets a failure status with the reason.
 */
public final class EmbeddedArchive implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedArchive.class);
    private static final String INCOMING = ".incoming";
    /** The calling AE title DICOM Stage uses by default (dicomstage.nodes.*.calling-ae-title). */
    public static final Set<String> DEFAULT_PEERS = Set.of("DICOMSTAGE");

    private final String aeTitle;
    private final Set<String> peers;
    private final Path storageDirectory;
    private final Path incoming;
    private final ArchiveIndex index = new ArchiveIndex();
    private final Map<String, InetSocketAddress> moveDestinations = new ConcurrentHashMap<>();
    private final ScpServer server;
    private final Object storeLock = new Object();
    private volatile boolean started;

    /**
     * @param aeTitle          the archive's AE title
     * @param storageDirectory where the files live (created if missing)
     * @param port             loopback port to listen on, 0 for a free one
     * @param maxAssociations  most associations served at once; more wait their turn
     */
    public EmbeddedArchive(String aeTitle, Path storageDirectory, int port, int maxAssociations) {
        this(aeTitle, storageDirectory, port, maxAssociations, DEFAULT_PEERS);
    }

    /** As above, answering only associations whose calling AE title is one of {@code peers}. */
    public EmbeddedArchive(String aeTitle, Path storageDirectory, int port, int maxAssociations, Set<String> peers) {
        this.aeTitle = require(aeTitle, "aeTitle");
        if (peers == null || peers.isEmpty()) {
            throw new IllegalArgumentException("embedded archive " + aeTitle + " needs at least one peer AE title");
        }
        this.peers = Set.copyOf(peers);
        this.storageDirectory = storageDirectory.toAbsolutePath();
        this.incoming = this.storageDirectory.resolve(INCOMING);
        this.server = new ScpServer("archive-" + aeTitle, InetAddress.getLoopbackAddress(), port,
                maxAssociations, this::newAssociation);
    }

    /** Built from an {@link DicomNodeConfig.Kind#EMBEDDED} node's aeTitle, storageDirectory, port and maxAssociations. */
    public static EmbeddedArchive of(DicomNodeConfig config) {
        if (config.storageDirectory() == null || config.storageDirectory().isBlank()) {
            throw new IllegalArgumentException("node '" + config.name() + "': embedded archive needs a storageDirectory");
        }
        return new EmbeddedArchive(config.aeTitle(), Path.of(config.storageDirectory()), config.port(),
                config.maxAssociations() > 0 ? config.maxAssociations() : 8, config.peerAeTitles());
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value;
    }

    /** Rebuilds the index from the files and starts listening. */
    public synchronized void start() {
        if (started) {
            return;
        }
        try {
            Files.createDirectories(incoming);
            try (Stream<Path> leftovers = Files.list(incoming)) {
                for (Path p : (Iterable<Path>) leftovers::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            rebuildIndex();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded archive " + aeTitle + " at " + storageDirectory + ": " + e.getMessage(), e);
        }
        started = true;
        log.info("embedded archive {} on port {} with {} instances in {}", aeTitle, port(), index.size(), storageDirectory);
    }

    private void rebuildIndex() throws IOException {
        try (Stream<Path> files = Files.walk(storageDirectory)) {
            Iterator<Path> it = files.filter(p -> !p.startsWith(incoming))
                    .filter(p -> p.getFileName().toString().endsWith(".dcm"))
                    .filter(Files::isRegularFile).iterator();
            while (it.hasNext()) {
                Path file = it.next();
                try {
                    AttributeList header = checkedHeader(file, file.toString());
                    index.put(ArchiveIndex.entryOf(file, Dimse.string(header, TagFromName.TransferSyntaxUID), header));
                } catch (IOException | DicomException | IllegalArgumentException e) {
                    log.warn("embedded archive {}: skipping unreadable {}: {}", aeTitle, file, e.getMessage());
                }
            }
        }
    }

    public int port() {
        return server.port();
    }

    public String aeTitle() {
        return aeTitle;
    }

    public Path storageDirectory() {
        return storageDirectory;
    }

    /** Number of instances stored. */
    public int size() {
        return index.size();
    }

    /** The calling AE titles this archive answers. */
    public Set<String> peers() {
        return peers;
    }

    boolean isPeer(String callingAeTitle) {
        return callingAeTitle != null && peers.contains(callingAeTitle.trim());
    }

    /** Where C-MOVE sends to {@code aeTitle}, or null when it is not a known destination. */
    InetSocketAddress moveDestination(String aeTitle) {
        return aeTitle == null ? null : moveDestinations.get(aeTitle.trim());
    }

    QueryResponseGenerator newQuery() {
        return new Query();
    }

    RetrieveResponseGenerator newRetrieve() {
        return new Retrieve();
    }

    /** A new, empty file of the archive's own naming in its incoming folder, for one received instance. */
    Path newIncomingFile() throws IOException {
        Files.createDirectories(incoming);
        return Files.createTempFile(incoming, "store-", ".part");
    }

    /** Lets C-MOVE send to {@code aeTitle} at host:port. */
    public void addMoveDestination(String aeTitle, String host, int port) {
        moveDestinations.put(require(aeTitle, "aeTitle"), InetSocketAddress.createUnresolved(host, port));
    }

    /** The most associations served at once since start: what a concurrency limit on our side must keep down. */
    public int peakAssociations() {
        return server.peakAssociations();
    }

    /** Associations accepted since start (for tests of association reuse). */
    int associationsAccepted() {
        return server.associationsAccepted();
    }

    ArchiveIndex index() {
        return index;
    }

    /**
     * Stores a copy of a DICOM file, with or without a Part-10 header, keeping its transfer syntax.
     * Re-importing the same SOP instance replaces it.
     */
    public void importFile(Path file) {
        try {
            Files.createDirectories(incoming);
            Path temp = Files.createTempFile(incoming, "import-", ".part");
            try {
                boolean part10;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                    part10 = new DicomInputStream(in).haveMetaHeader();
                }
                if (part10) {
                    Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    writeWithMetaHeader(file, temp);
                }
                ingest(temp, checkedHeader(temp, file.toString()));
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | DicomException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot import " + file + " into " + aeTitle + ": " + e.getMessage(), e);
        }
    }

    /** Imports every regular file below {@code directory}; returns how many were imported. */
    public int importDirectory(Path directory) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        int imported = 0;
        for (Path file : files) {
            if (isDicom(file)) {
                importFile(file);
                imported++;
            }
        }
        return imported;
    }

    private static boolean isDicom(Path file) {
        try {
            AttributeList header = readHeader(file);
            return !Dimse.string(header, TagFromName.SOPInstanceUID).isEmpty();
        } catch (IOException | DicomException | RuntimeException e) {
            return false;
        }
    }

    private void writeWithMetaHeader(Path source, Path target) throws IOException, DicomException {
        PixelDataDigest.checkStructure(source);
        AttributeList list = new AttributeList();
        String transferSyntax;
        try (DicomInputStream din = new DicomInputStream(new BufferedInputStream(Files.newInputStream(source)))) {
            transferSyntax = din.getTransferSyntaxToReadDataSet().getUID();
            list.read(din);
        }
        list.removeGroupLengthAttributes();
        FileMetaInformation.addFileMetaInformation(list, transferSyntax, aeTitle);
        list.write(target.toFile(), transferSyntax, true, true);
    }

    /**
     * Files one received instance, or says why not: the status and reason its C-STORE is answered with.
     *
     * @param received               the Part-10 file the archive created for it
     * @param affectedSopInstanceUID what the C-STORE request says it is (already a valid UID)
     */
    ArchiveAssociation.StoreOutcome store(Path received, String affectedSopInstanceUID) {
        String name = "SOP instance " + affectedSopInstanceUID;
        try {
            AttributeList header = checkedHeader(received, name);
            String sop = Dimse.string(header, TagFromName.SOPInstanceUID);
            if (!affectedSopInstanceUID.equals(sop)) {
                return ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.CANNOT_UNDERSTAND,
                        "data set's SOP Instance UID is not the Affected SOP Instance UID");
            }
            ingest(received, header);
            return ArchiveAssociation.StoreOutcome.STORED;
        } catch (IllegalArgumentException | DicomException e) {
            return ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.CANNOT_UNDERSTAND, reason(e, name));
        } catch (IOException e) {
            return ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.OUT_OF_RESOURCES, reason(e, name));
        } catch (StackOverflowError | OutOfMemoryError e) {
            // One object's damage, not the archive's: the association and the other instances carry on.
            log.warn("embedded archive {}: {} could not be read: {}", aeTitle, name, e.toString());
            return ArchiveAssociation.StoreOutcome.refused(ArchiveAssociation.OUT_OF_RESOURCES,
                    name + " could not be read: " + e.getClass().getSimpleName());
        }
    }

    private static String reason(Exception e, String name) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.startsWith(name) ? message : name + ": " + message;
    }

    /**
     * The header of a file from outside, read by PixelMed only after its structure passed {@link DicomLimits}: every
     * declared length fits, no element is too long, no sequences too deep.
     */
    private static AttributeList checkedHeader(Path part10, String name) throws IOException, DicomException {
        PixelDataDigest.checkStructure(part10, name);
        return readHeader(part10);
    }

    /** Moves a complete Part-10 file into its place (atomically) and indexes it. */
    private void ingest(Path part10, AttributeList header) throws IOException, DicomException {
        String study = uid(header, TagFromName.StudyInstanceUID);
        String series = uid(header, TagFromName.SeriesInstanceUID);
        String sop = uid(header, TagFromName.SOPInstanceUID);
        Path target = storageDirectory.resolve(study).resolve(series).resolve(sop + ".dcm");
        Files.createDirectories(target.getParent());
        synchronized (storeLock) {
            try {
                Files.move(part10, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part10, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Optional<ArchiveIndex.Entry> previous = index.put(ArchiveIndex.entryOf(target,
                    Dimse.string(header, TagFromName.TransferSyntaxUID), header));
            if (previous.isPresent() && !previous.get().file().equals(target)
                    && previous.get().file().toAbsolutePath().normalize().startsWith(storageDirectory)) {
                // same SOP instance re-filed under another study or series: keep one copy only
                Files.deleteIfExists(previous.get().file());
            }
        }
    }

    private static String uid(AttributeList header, AttributeTag tag) throws DicomException {
        String value = Dimse.string(header, tag);
        if (!Uids.isValid(value)) {
            throw new DicomException(AttributeList.getDictionary().getNameFromTag(tag) + " in the data set is missing or not a valid UID");
        }
        return value;
    }

    static AttributeList readHeader(Path file) throws IOException, DicomException {
        AttributeList header = new AttributeList();
        try (DicomInputStream din = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            header.read(din, TagFromName.PixelData);
        }
        return header;
    }

    private Runnable newAssociation(Socket socket) {
        return new ArchiveAssociation(socket, this);
    }

    @Override
    public synchronized void close() {
        server.close();
        started = false;
    }

    /**
     * What PixelMed's query and retrieve generators share here: a status, with the Query/Retrieve Level as the
     * offending element when a request names none we know.
     */
    private abstract static class Responder {
        int status = ResponseStatus.Success;

        /** The request's Query/Retrieve Level; without one we know, the status says so. */
        Optional<ArchiveIndex.Level> level(AttributeList identifier) {
            Optional<ArchiveIndex.Level> level = ArchiveIndex.Level.parse(
                    Attribute.getSingleStringValueOrEmptyString(identifier, TagFromName.QueryRetrieveLevel));
            if (level.isEmpty()) {
                status = ResponseStatus.IdentifierDoesNotMatchSOPClass;
            }
            return level;
        }

        public int getStatus() {
            return status;
        }

        public AttributeTagAttribute getOffendingElement() {
            return status == ResponseStatus.Success ? null : offendingLevel();
        }

        public String getErrorComment() {
            return null;
        }

        public void close() {
        }
    }

    private final class Query extends Responder implements QueryResponseGenerator {
        private Iterator<AttributeList> results = List.<AttributeList>of().iterator();

        @Override
        public void performQuery(String sopClassUID, AttributeList request, boolean relational) {
            Optional<ArchiveIndex.Level> level = level(request);
            if (level.isEmpty()) {
                return;
            }
            results = index.query(level.get(), request).iterator();
        }

        @Override
        public AttributeList next() {
            return results.hasNext() ? results.next() : null;
        }

        @Override
        public boolean allOptionalKeysSuppliedWereSupported() {
            return true;
        }
    }

    private static AttributeTagAttribute offendingLevel() {
        try {
            AttributeTagAttribute a = new AttributeTagAttribute(TagFromName.OffendingElement);
            a.addValue(TagFromName.QueryRetrieveLevel.getGroup(), TagFromName.QueryRetrieveLevel.getElement());
            return a;
        } catch (DicomException e) {
            return null;
        }
    }

    private final class Retrieve extends Responder implements RetrieveResponseGenerator {
        private SetOfDicomFiles files;

        @Override
        public void performRetrieve(String sopClassUID, AttributeList identifier, boolean relational) {
            Optional<ArchiveIndex.Level> level = level(identifier);
            if (level.isEmpty()) {
                return;
            }
            files = new SetOfDicomFiles();
            for (ArchiveIndex.Entry e : index.select(level.get(), identifier)) {
                files.add(e.file().toString(), e.sopClassUID(), e.sopInstanceUID(), e.transferSyntaxUID());
            }
        }

        @Override
        public SetOfDicomFiles getDicomFiles() {
            return files;
        }
    }
}
