package org.dicomstage.staging;

import java.util.List;

import com.pixelmed.dicom.AttributeList;
import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.PatientEntry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.dicom.StudyEntry;

/** A test source node that only lists and delivers instances: no patients, studies or series, and no storing. */
interface SourceOnlyNode extends DicomNode {

    @Override
    default void echo() {
    }

    @Override
    default List<PatientEntry> findPatients(String patientID) {
        return List.of();
    }

    @Override
    default List<StudyEntry> findStudies(String patientID) {
        return List.of();
    }

    @Override
    default List<SeriesEntry> findSeries(String studyInstanceUID) {
        return List.of();
    }

    @Override
    default List<AttributeList> retrieveHeaders(String studyInstanceUID, String seriesInstanceUID) {
        return List.of();
    }

    @Override
    default StoreSession openStoreSession() {
        throw new UnsupportedOperationException("a source only");
    }
}
