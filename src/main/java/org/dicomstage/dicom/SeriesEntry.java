package org.dicomstage.dicom;

/** A series as a query answers it. */
public record SeriesEntry(
        String studyInstanceUID,
        String seriesInstanceUID,
        String modality,
        String seriesDescription,
        String seriesNumber,
        int numberOfSeriesRelatedInstances) {
}
