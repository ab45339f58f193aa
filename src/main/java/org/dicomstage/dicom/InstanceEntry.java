package org.dicomstage.dicom;

/** An instance as a query answers it. */
public record InstanceEntry(
        String studyInstanceUID,
        String seriesInstanceUID,
        String sopInstanceUID,
        String sopClassUID,
        String instanceNumber) {
}
