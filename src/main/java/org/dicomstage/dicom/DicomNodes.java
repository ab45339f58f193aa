package org.dicomstage.dicom;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the adapter each node's kind calls for. Embedded archives it starts are its own and are closed
 * with it; the move receiver (shared by all C-MOVE nodes) belongs to the caller.
 */
public final class DicomNodes implements AutoCloseable {

    private final MoveReceiver moveReceiver;
    private final Map<String, EmbeddedArchive> archives = new ConcurrentHashMap<>();

    /** @param moveReceiver our storage SCP for C-MOVE; may be null when no node retrieves by C-MOVE */
    public DicomNodes(MoveReceiver moveReceiver) {
        this.moveReceiver = moveReceiver;
    }

    public DicomNode create(DicomNodeConfig config) {
        return switch (config.kind()) {
            case DIMSE -> new DimseNode(config, moveReceiver);
            case EMBEDDED -> new EmbeddedNode(config.name(), archives.computeIfAbsent(config.name(), n -> startArchive(config)));
            case DICOMWEB -> new DicomWebNode(config);
        };
    }

    private EmbeddedArchive startArchive(DicomNodeConfig config) {
        EmbeddedArchive archive = EmbeddedArchive.of(config);
        if (moveReceiver != null) {
            // so a DIMSE node pointed at this archive can C-MOVE into our receiver
            archive.addMoveDestination(moveReceiver.aeTitle(), "127.0.0.1", moveReceiver.port());
        }
        archive.start();
        return archive;
    }

    /** The embedded archive started for node {@code name}, if any. */
    public Optional<EmbeddedArchive> archive(String name) {
        return Optional.ofNullable(archives.get(name));
    }

    @Override
    public void close() {
        for (EmbeddedArchive archive : List.copyOf(archives.values())) {
            archive.close();
        }
        archives.clear();
    }
}
