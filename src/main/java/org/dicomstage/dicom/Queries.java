package org.dicomstage.dicom;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/** The C-FIND identifiers behind {@link DicomNode}'s find methods, and their answers mapped to records. */
final class Queries {

    private Queries() {
    }

    static AttributeList patients(String patientID) {
        AttributeList q = new AttributeList();
        Dimse.putLevel(q, "PATIENT");
        Dimse.put(q, TagFromName.PatientID, patientID == null || patientID.isBlank() ? "*" : patientID);
        Dimse.put(q, TagFromName.PatientName, "");
        Dimse.put(q, TagFromName.NumberOfPatientRelatedStudies, "");
        return q;
    }

    static AttributeList studies(String patientID) {
        AttributeList q = new AttributeList();
        Dimse.putLevel(q, "STUDY");
        Dimse.put(q, TagFromName.PatientID, requireValue(patientID, "patientID"));
        Dimse.put(q, TagFromName.PatientName, "");
        Dimse.put(q, TagFromName.StudyInstanceUID, "");
        Dimse.put(q, TagFromName.StudyDate, "");
        Dimse.put(q, TagFromName.StudyDescription, "");
        Dimse.put(q, TagFromName.AccessionNumber, "");
        Dimse.put(q, TagFromName.ModalitiesInStudy, "");
        Dimse.put(q, TagFromName.NumberOfStudyRelatedSeries, "");
        Dimse.put(q, TagFromName.NumberOfStudyRelatedInstances, "");
        return q;
    }

    static AttributeList series(String studyInstanceUID) {
        AttributeList q = new AttributeList();
        Dimse.putLevel(q, "SERIES");
        Dimse.put(q, TagFromName.StudyInstanceUID, requireValue(studyInstanceUID, "studyInstanceUID"));
        Dimse.put(q, TagFromName.SeriesInstanceUID, "");
        Dimse.put(q, TagFromName.Modality, "");
        Dimse.put(q, TagFromName.SeriesDescription, "");
        Dimse.put(q, TagFromName.SeriesNumber, "");
        Dimse.put(q, TagFromName.NumberOfSeriesRelatedInstances, "");
        return q;
    }

    static AttributeList instances(String studyInstanceUID, String seriesInstanceUID) {
        AttributeList q = new AttributeList();
        Dimse.putLevel(q, "IMAGE");
        Dimse.put(q, TagFromName.StudyInstanceUID, requireValue(studyInstanceUID, "studyInstanceUID"));
        Dimse.put(q, TagFromName.SeriesInstanceUID, requireValue(seriesInstanceUID, "seriesInstanceUID"));
        Dimse.put(q, TagFromName.SOPInstanceUID, "");
        Dimse.put(q, TagFromName.SOPClassUID, "");
        Dimse.put(q, TagFromName.InstanceNumber, "");
        return q;
    }

    /** Unique keys of one series, for C-GET and C-MOVE. */
    static AttributeList seriesRetrieve(String studyInstanceUID, String seriesInstanceUID) {
        AttributeList q = new AttributeList();
        Dimse.putLevel(q, "SERIES");
        Dimse.put(q, TagFromName.StudyInstanceUID, requireValue(studyInstanceUID, "studyInstanceUID"));
        Dimse.put(q, TagFromName.SeriesInstanceUID, requireValue(seriesInstanceUID, "seriesInstanceUID"));
        return q;
    }

    /** Unique keys of some instances of one series, for a C-GET at image level that names each of them. */
    static AttributeList instancesRetrieve(String studyInstanceUID, String seriesInstanceUID,
            List<InstanceEntry> instances) {
        List<String> sopInstanceUIDs = instances.stream().map(InstanceEntry::sopInstanceUID).toList();
        if (sopInstanceUIDs.isEmpty()) {
            throw new IllegalArgumentException("at least one SOP Instance UID is required");
        }
        AttributeList q = new AttributeList();
        Dimse.putLevel(q, "IMAGE");
        Dimse.put(q, TagFromName.StudyInstanceUID, requireValue(studyInstanceUID, "studyInstanceUID"));
        Dimse.put(q, TagFromName.SeriesInstanceUID, requireValue(seriesInstanceUID, "seriesInstanceUID"));
        Dimse.put(q, TagFromName.SOPInstanceUID, String.join("\\", sopInstanceUIDs));
        return q;
    }

    private static String requireValue(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value;
    }

    static List<PatientEntry> toPatients(List<AttributeList> answers) {
        return answers.stream()
                .map(a -> new PatientEntry(Dimse.string(a, TagFromName.PatientID), Dimse.string(a, TagFromName.PatientName),
                        Dimse.integer(a, TagFromName.NumberOfPatientRelatedStudies)))
                .sorted(Comparator.comparing(PatientEntry::patientID))
                .toList();
    }

    static List<StudyEntry> toStudies(List<AttributeList> answers) {
        return answers.stream()
                .map(a -> new StudyEntry(Dimse.string(a, TagFromName.StudyInstanceUID), Dimse.string(a, TagFromName.PatientID),
                        Dimse.string(a, TagFromName.PatientName), Dimse.string(a, TagFromName.StudyDate),
                        Dimse.string(a, TagFromName.StudyDescription), Dimse.string(a, TagFromName.AccessionNumber),
                        values(a), Dimse.integer(a, TagFromName.NumberOfStudyRelatedSeries),
                        Dimse.integer(a, TagFromName.NumberOfStudyRelatedInstances)))
                .sorted(Comparator.comparing(StudyEntry::studyDate).thenComparing(StudyEntry::studyInstanceUID))
                .toList();
    }

    private static List<String> values(AttributeList a) {
        String[] values = Attribute.getStringValues(a, TagFromName.ModalitiesInStudy);
        return values == null ? List.of() : Arrays.stream(values).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    static List<SeriesEntry> toSeries(List<AttributeList> answers) {
        return answers.stream()
                .map(a -> new SeriesEntry(Dimse.string(a, TagFromName.StudyInstanceUID), Dimse.string(a, TagFromName.SeriesInstanceUID),
                        Dimse.string(a, TagFromName.Modality), Dimse.string(a, TagFromName.SeriesDescription),
                        Dimse.string(a, TagFromName.SeriesNumber), Dimse.integer(a, TagFromName.NumberOfSeriesRelatedInstances)))
                .sorted(Comparator.comparingLong((SeriesEntry s) -> number(s.seriesNumber()))
                        .thenComparing(SeriesEntry::seriesInstanceUID))
                .toList();
    }

    static List<InstanceEntry> toInstances(List<AttributeList> answers) {
        return answers.stream()
                .map(a -> new InstanceEntry(Dimse.string(a, TagFromName.StudyInstanceUID), Dimse.string(a, TagFromName.SeriesInstanceUID),
                        Dimse.string(a, TagFromName.SOPInstanceUID), Dimse.string(a, TagFromName.SOPClassUID),
                        Dimse.string(a, TagFromName.InstanceNumber)))
                .sorted(Comparator.comparingLong((InstanceEntry i) -> number(i.instanceNumber()))
                        .thenComparing(InstanceEntry::sopInstanceUID))
                .toList();
    }

    /** IS values sort numerically; missing or odd ones last. */
    private static long number(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
