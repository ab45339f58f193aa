package org.dicomstage.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every configured archive by name, built once at start-up so a configuration mistake stops the application
 * instead of the first staging job. Owns what it starts (embedded archives, the move receiver) and closes it.
 */
public final class DicomNodeRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DicomNodeRegistry.class);

    private final Map<String, DicomNode> nodes = new LinkedHashMap<>();
    private final String sourceNode;
    private final MoveReceiver moveReceiver;
    private final DicomNodes factory;

    public DicomNodeRegistry(DicomNodeProperties properties) {
        DicomLimits.configure(properties.limits() == null ? DicomLimits.DEFAULT : properties.limits().toLimits());
        this.sourceNode = properties.sourceNode();
        this.moveReceiver = needsMoveReceiver(properties) ? startMoveReceiver(properties.moveReceiver()) : null;
        this.factory = new DicomNodes(moveReceiver);
        try {
            properties.nodes().forEach((name, node) -> nodes.put(name, factory.create(node.toConfig(name))));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        nodes.values().forEach(n -> log.info("DICOM node '{}': {}", n.name(), describe(n.name())));
    }

    /** The node called {@code name}; the message of the exception lists the configured ones. */
    public DicomNode node(String name) {
        DicomNode node = name == null ? null : nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no DICOM node '" + name + "' is configured (dicomstage.nodes."
                    + name + "); configured: " + nodes.keySet());
        }
        return node;
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(nodes.keySet());
    }

    /** The name of Study0's node when the STUDY0 study does not name one ({@code dicomstage.source-node}). */
    public String defaultSourceNode() {
        return sourceNode;
    }

    /** The embedded archive behind node {@code name}, when it is an EMBEDDED node. */
    public Optional<EmbeddedArchive> archive(String name) {
        return factory.archive(name);
    }

    /** Our C-MOVE destination, when a node retrieves by C-MOVE. */
    public Optional<MoveReceiver> moveReceiver() {
        return Optional.ofNullable(moveReceiver);
    }

    /** One line for logs and the start-up banner: AE title and where it is reached. */
    public String describe(String name) {
        DicomNode node = node(name);
        Optional<EmbeddedArchive> archive = archive(name);
        if (archive.isPresent()) {
            String where;
            try {
                where = "on 127.0.0.1:" + archive.get().port();
            } catch (IllegalStateException e) {
                where = "not listening";
            }
            return "embedded " + archive.get().aeTitle() + " " + where + ", files in " + archive.get().storageDirectory();
        }
        return node.getClass().getSimpleName() + " " + node;
    }

    private static boolean needsMoveReceiver(DicomNodeProperties properties) {
        return properties.nodes().values().stream().anyMatch(n -> n.kind() == DicomNodeConfig.Kind.DIMSE
                && n.retrieve() == DicomNodeConfig.RetrieveMethod.C_MOVE);
    }

    private static MoveReceiver startMoveReceiver(DicomNodeProperties.MoveReceiverSettings settings) {
        Path directory = settings.directory();
        try {
            if (directory == null) {
                directory = Files.createTempDirectory("dicomstage-move-");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the move receiver's directory: " + e.getMessage(), e);
        }
        // All interfaces: the peers that C-MOVE to us are other hosts in production.
        MoveReceiver receiver = new MoveReceiver(settings.aeTitle(), anyAddress(), settings.port(), directory,
                settings.maxAssociations(), settings.handoffTimeout());
        receiver.start();
        log.info("C-MOVE receiver {} listening on port {}", receiver.aeTitle(), receiver.port());
        return receiver;
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByName("0.0.0.0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (DicomNode node : nodes.values()) {
            if (node instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("closing DICOM node '{}' failed: {}", node.name(), e.getMessage());
                }
            }
        }
        factory.close();
        if (moveReceiver != null) {
            moveReceiver.close();
        }
    }
}
