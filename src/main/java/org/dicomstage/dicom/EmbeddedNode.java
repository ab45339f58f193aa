package org.dicomstage.dicom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.pixelmed.dicom.AttributeList;

/**
 * Direct, in-process access to an {@link EmbeddedArchive}: queries its index, hands its own stored files
 * to the consumer, stores by copying into the file store. No network involved.
 */
public final class EmbeddedNode implements DicomNode {

    private final String name;
    private final EmbeddedArchive archive;

    public EmbeddedNode(String name, EmbeddedArchive archive) {
        this.name = name;
        this.archive = archive;
    }

    @Override
    public String name() {
        return name;
    }

    public EmbeddedArchive archive() {
        return archive;
    }

    private DicomNodeException failure(String operation, Throwable cause) {
        return new DicomNodeException("node '" + name + "' (embedded " + archive.aeTitle() + " in " + archive.storageDirectory()
                + "): " + operation + " failed: " + Dimse.rootMessage(cause), cause);
    }

    @Override
    public void echo() {
        try {
            archive.port();
        } catch (IllegalStateException e) {
            throw failure("echo", e);
        }
    }

    private List<AttributeList> query(ArchiveIndex.Level level, AttributeList identifier) {
        return archive.index().query(level, identifier);
    }

    @Override
    public List<PatientEntry> findPatients(String patientID) {
        return Queries.toPatients(query(ArchiveIndex.Level.PATIENT, Queries.patients(patientID)));
    }

    @Override
    public List<StudyEntry> findStudies(String patientID) {
        return Queries.toStudies(query(ArchiveIndex.Level.STUDY, Queries.studies(patientID)));
    }

    @Override
    public List<SeriesEntry> findSeries(String studyInstanceUID) {
        return Queries.toSeries(query(ArchiveIndex.Level.SERIES, Queries.series(studyInstanceUID)));
    }

    @Override
    public List<InstanceEntry> findInstances(String studyInstanceUID, String seriesInstanceUID) {
        return Queries.toInstances(query(ArchiveIndex.Level.IMAGE, Queries.instances(studyInstanceUID, seriesInstanceUID)));
    }

    @Override
    public int retrieveSeries(String studyInstanceUID, String seriesInstanceUID, InstanceConsumer consumer) {
        return deliver(archive.index().select(ArchiveIndex.Level.SERIES,
                Queries.seriesRetrieve(studyInstanceUID, seriesInstanceUID)), consumer);
    }

    @Override
    public boolean retrievesInstances() {
        return true;
    }

    @Override
    public int retrieveInstances(String studyInstanceUID, String seriesInstanceUID, List<InstanceEntry> instances,
            InstanceConsumer consumer) {
        return deliver(archive.index().select(ArchiveIndex.Level.IMAGE, Queries.instancesRetrieve(studyInstanceUID,
                seriesInstanceUID, instances)), consumer);
    }

    private static int deliver(List<ArchiveIndex.Entry> entries, InstanceConsumer consumer) {
        int delivered = 0;
        for (ArchiveIndex.Entry entry : entries) {
            try {
                consumer.accept(entry.file());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("instance consumer failed on " + entry.sopInstanceUID() + ": " + e, e);
            }
            delivered++;
        }
        return delivered;
    }

    @Override
    public List<AttributeList> retrieveHeaders(String studyInstanceUID, String seriesInstanceUID) {
        List<AttributeList> headers = new ArrayList<>();
        retrieveSeries(studyInstanceUID, seriesInstanceUID, file -> {
            try {
                headers.add(EmbeddedArchive.readHeader(file));
            } catch (Exception e) {
                throw failure("reading " + file, e);
            }
        });
        return headers;
    }

    @Override
    public int deleteSeries(String studyInstanceUID, String seriesInstanceUID) {
        try {
            return archive.deleteSeries(studyInstanceUID, seriesInstanceUID);
        } catch (RuntimeException e) {
            throw failure("deleting series " + seriesInstanceUID, e);
        }
    }

    @Override
    public boolean canDelete() {
        return true;
    }

    @Override
    public StoreSession openStoreSession() {
        return new StoreSession() {
            @Override
            public void store(Path part10File) {
                archive.importFile(part10File);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
