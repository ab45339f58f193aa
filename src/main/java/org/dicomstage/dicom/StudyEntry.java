package org.dicomstage.dicom;

import java.util.List;

/** A study as a query answers it. Dates are DICOM DA strings (yyyyMMdd), possibly empty. */
public record StudyEntry(
        String studyInstanceUID,
        String patientID,
        String patientName,
        String studyDate,
        String studyDescription,
        String accessionNumber,
        List<String> modalitiesInStudy,
        int numberOfStudyRelatedSeries,
        int numberOfStudyRelatedInstances) {
}
