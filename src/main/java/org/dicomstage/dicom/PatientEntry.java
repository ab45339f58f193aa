package org.dicomstage.dicom;

/** A patient as a query answers it. */
public record PatientEntry(String patientID, String patientName, int numberOfPatientRelatedStudies) {
}
