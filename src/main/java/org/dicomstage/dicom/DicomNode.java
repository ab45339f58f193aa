package org.dicomstage.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.pixelmed.dicom.AttributeList;

/**
 * One DICOM archive the service talks to, whatever the protocol (DIMSE, DICOMweb, embedded).
 * Knows nothing about studies, subjects or pseudonyms.
 *
 * <p>Technical failures (peer down, timeout, protocol error) are thrown as {@link DicomNodeException}
 * naming the node and the operation, so callers can retry them.
 */
public interface DicomNode {

    /** The configured name of this node, for messages and metrics. */
    String name();

    /** Verifies that the node answers (C-ECHO, or an HTTP round trip). */
    void echo();

    /** Patients whose PatientID matches; {@code patientID} may contain DICOM wildcards {@code *} and {@code ?}. */
    List<PatientEntry> findPatients(String patientID);

    /** Studies of one patient, by exact PatientID. */
    List<StudyEntry> findStudies(String patientID);

    /** Series of one study. */
    List<SeriesEntry> findSeries(String studyInstanceUID);

    /** Instances of one series. */
    List<InstanceEntry> findInstances(String studyInstanceUID, String seriesInstanceUID);

    /**
     * Retrieves every instance of a series, one at a time, as a Part-10 file handed to {@code consumer}.
     * The file is only valid during the call and must be treated as read-only; it may be the archive's
     * own copy. Memory stays bounded by one instance whatever the size of the series.
     *
     * @return the number of instances handed to the consumer
     */
    int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, InstanceConsumer consumer);

    /**
     * Like {@link #retrieveSeries(String, String, InstanceConsumer)}, for a caller that has just listed the series
     * ({@link #findInstances}): a node that must know the series' SOP classes before it retrieves (C-GET offers a
     * storage context for each) takes them from {@code listed} instead of asking the archive again. Listing a
     * thousand instances takes an archive as long as sending a third of them.
     */
    default int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, List<InstanceEntry> listed,
            InstanceConsumer consumer) {
        return retrieveSeries(studyInstanceUID, seriesInstanceUID, consumer);
    }

    /**
     * Whether {@link #retrieveInstances} works on this node, so that a caller may split a series over several
     * associations: each retrieval waits for the archive between instances, and several keep it busy.
     */
    default boolean retrievesInstances() {
        return false;
    }

    /**
     * Retrieves the given instances of one series (with DIMSE, a C-GET at image level naming their SOP Instance
     * UIDs), as {@link #retrieveSeries} does the whole series. Only where {@link #retrievesInstances()}.
     *
     * @param instances as {@link #findInstances} listed them; at least one
     * @return the number of instances handed to the consumer
     */
    default int retrieveInstances(String studyInstanceUID, String seriesInstanceUID, List<InstanceEntry> instances,
            InstanceConsumer consumer) {
        throw new UnsupportedOperationException("node '" + name() + "' cannot retrieve single instances");
    }

    /**
     * The headers (everything before PixelData) of every instance of a series. Meant for small RT
     * objects whose references C-FIND cannot return.
     */
    List<AttributeList> retrieveHeaders(String studyInstanceUID, String seriesInstanceUID);

    /**
     * Opens a session that stores many instances, over one association where the protocol has them.
     * Callers wanting parallelism open several sessions; the node caps them at its maximum.
     */
    StoreSession openStoreSession();

    /**
     * Deletes every instance of a series; deleting a series that is not there does nothing. Only nodes that can
     * ({@link #canDelete()}) serve as the holding node: DIMSE has no delete operation, and the DICOMweb standard none
     * either (Orthanc's REST API has one, see {@link DicomWebNode}).
     *
     * @return the number of instances deleted, where the node tells; -1 where it does not
     */
    default int deleteSeries(String studyInstanceUID, String seriesInstanceUID) {
        throw new UnsupportedOperationException("node '" + name() + "' cannot delete series: "
                + getClass().getSimpleName() + " has no delete operation");
    }

    /** Whether {@link #deleteSeries} works on this node. */
    default boolean canDelete() {
        return false;
    }

    /** Receives one retrieved instance. */
    @FunctionalInterface
    interface InstanceConsumer {
        void accept(Path part10File) throws Exception;
    }

    /** Stores Part-10 files; closing it releases the association. */
    interface StoreSession extends AutoCloseable {
        /** Stores one Part-10 file, keeping its transfer syntax where the peer accepts it. */
        void store(Path part10File);

        /**
         * Stores an instance given as a header and a range of another file. This default writes it to a temporary
         * file and stores that; a session that streams (DIMSE) sends the two parts without a file in between.
         */
        default void store(SplicedInstance instance) {
            Path file = null;
            try {
                file = Files.createTempFile("dicomstage-store-", ".dcm");
                instance.writeTo(file);
                store(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write SOP instance " + instance.sopInstanceUID()
                        + " for storing: " + e.getMessage(), e);
            } finally {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        // a temporary file; the store's outcome is what matters
                    }
                }
            }
        }

        @Override
        void close();
    }
}
