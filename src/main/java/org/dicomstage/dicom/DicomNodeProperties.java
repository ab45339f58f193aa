package org.dicomstage.dicom;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The archives this service talks to, bound from {@code dicomstage.*} (defaults in application.yml):
 *
 * <pre>
 * dicomstage.source-node: study0          # node of Study0 when the STUDY0 study names none
 * dicomstage.nodes.&lt;name&gt;.kind: DIMSE | DICOMWEB | EMBEDDED
 * dicomstage.nodes.&lt;name&gt;.ae-title / host / port / calling-ae-title / retrieve (C_GET | C_MOVE)
 *   / move-destination-ae-title / base-url / storage-directory / connect-timeout / read-timeout / max-associations
 *   / peer-ae-titles                      # EMBEDDED: calling AE titles it answers (default DICOMSTAGE)
 * dicomstage.move-receiver.ae-title / port / directory   # our storage SCP for C-MOVE nodes
 * dicomstage.limits.max-element-bytes / max-sequence-depth  # what a DICOM object from outside may declare
 * </pre>
 */
@ConfigurationProperties("dicomstage")
public record DicomNodeProperties(
        Map<String, Node> nodes,
        @DefaultValue("study0") String sourceNode,
        @DefaultValue MoveReceiverSettings moveReceiver,
        @DefaultValue Limits limits) {

    public DicomNodeProperties {
        nodes = nodes == null ? Map.of() : new LinkedHashMap<>(nodes);
    }

    /** One node; unset durations and limits take the defaults shown. */
    public record Node(
            DicomNodeConfig.Kind kind,
            String aeTitle,
            String host,
            @DefaultValue("0") int port,
            @DefaultValue("DICOMSTAGE") String callingAeTitle,
            @DefaultValue("C_GET") DicomNodeConfig.RetrieveMethod retrieve,
            String moveDestinationAeTitle,
            String baseUrl,
            String storageDirectory,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("60s") Duration readTimeout,
            @DefaultValue("4") int maxAssociations,
            @DefaultValue("DICOMSTAGE") java.util.Set<String> peerAeTitles) {

        DicomNodeConfig toConfig(String name) {
            if (kind == null) {
                throw new IllegalArgumentException("dicomstage.nodes." + name + ".kind is required (DIMSE, DICOMWEB or EMBEDDED)");
            }
            return new DicomNodeConfig(name, kind, aeTitle, host, port, callingAeTitle, retrieve,
                    moveDestinationAeTitle, baseUrl, storageDirectory, connectTimeout, readTimeout, maxAssociations,
                    peerAeTitles);
        }
    }

    /**
     * Our storage SCP that C-MOVE nodes send to; started only when a node retrieves by C-MOVE.
     *
     * @param directory where received instances wait for their consumer; empty: a temporary directory
     */
    public record MoveReceiverSettings(
            @DefaultValue("DICOMSTAGE") String aeTitle,
            @DefaultValue("11113") int port,
            Path directory,
            @DefaultValue("4") int maxAssociations,
            @DefaultValue("60s") Duration handoffTimeout) {
    }

    /**
     * What a DICOM object from outside may declare before anything is allocated for it ({@link DicomLimits}); the
     * defaults are {@link DicomLimits#DEFAULT}'s.
     */
    public record Limits(
            @DefaultValue("1073741824") long maxElementBytes,
            @DefaultValue("64") int maxSequenceDepth) {

        DicomLimits toLimits() {
            return new DicomLimits(maxElementBytes, maxSequenceDepth);
        }
    }
}
