package org.dicomstage.dicom;

import java.time.Duration;

/**
 * How to reach one archive. Which fields matter depends on {@link #kind()}.
 *
 * @param name             our name for the node (study0, project-x, ...)
 * @param kind             protocol adapter
 * @param aeTitle          the peer's AE title (DIMSE and embedded)
 * @param host             the peer's host (DIMSE)
 * @param port             the peer's port (DIMSE), or the listening port (embedded; 0 picks a free one)
 * @param callingAeTitle   our AE title when we call the peer
 * @param retrieve         how instances are fetched over DIMSE
 * @param moveDestinationAeTitle AE title of our own storage SCP, known to the peer, for C-MOVE
 * @param baseUrl          DICOMweb root, for example http://localhost:8042/dicom-web
 * @param storageDirectory file store of the embedded archive
 * @param connectTimeout   TCP connect timeout
 * @param readTimeout      time to wait for a response before giving up
 * @param maxAssociations  most concurrent associations (or HTTP requests) this node is given
 * @param peerAeTitles     calling AE titles an embedded archive answers; others are refused
 */
public record DicomNodeConfig(
        String name,
        Kind kind,
        String aeTitle,
        String host,
        int port,
        String callingAeTitle,
        RetrieveMethod retrieve,
        String moveDestinationAeTitle,
        String baseUrl,
        String storageDirectory,
        Duration connectTimeout,
        Duration readTimeout,
        int maxAssociations,
        java.util.Set<String> peerAeTitles) {

    public DicomNodeConfig {
        peerAeTitles = peerAeTitles == null || peerAeTitles.isEmpty() ? EmbeddedArchive.DEFAULT_PEERS
                : java.util.Set.copyOf(peerAeTitles);
    }

    /** A node whose embedded archive, if it is one, answers {@link EmbeddedArchive#DEFAULT_PEERS} only. */
    public DicomNodeConfig(String name, Kind kind, String aeTitle, String host, int port, String callingAeTitle,
            RetrieveMethod retrieve, String moveDestinationAeTitle, String baseUrl, String storageDirectory,
            Duration connectTimeout, Duration readTimeout, int maxAssociations) {
        this(name, kind, aeTitle, host, port, callingAeTitle, retrieve, moveDestinationAeTitle, baseUrl,
                storageDirectory, connectTimeout, readTimeout, maxAssociations, null);
    }

    public enum Kind { DIMSE, DICOMWEB, EMBEDDED }

    public enum RetrieveMethod { C_GET, C_MOVE }
}
