package org.dicomstage.web;

import java.util.List;

/**
 * Port for the lookup page's expand arrow: a patient's Study0 DICOM studies and how much of each is already in the
 * project archive of a research study. Implemented outside {@code web} with the DICOM nodes and the staging
 * service; without an implementation the lookup page still searches subjects but cannot list their DICOM studies.
 * Callers have already checked the user's LOOKUP right and the subject's enrolment.
 */
public interface PatientStudies {

    /**
     * @param studyIdentifier the research study whose project archive decides the Project column
     * @param pid the subject's PID (its PatientID in Study0)
     * @return the patient's Study0 studies, newest first
     */
    List<StudyRow> studiesOf(String studyIdentifier, String pid);

    /**
     * @return the series of one of the patient's Study0 studies, by series number; empty when the study is not
     *         the patient's
     */
    List<SeriesRow> seriesOf(String pid, String studyInstanceUid);

    /** One series of a Study0 study, as Study0 lists it. */
    record SeriesRow(String seriesInstanceUid, String modality, String seriesNumber, String description,
                     int instanceCount) {
    }

    /**
     * One Study0 study of a patient.
     *
     * @param studyDate ISO date (yyyy-MM-dd), or null when the archive has none
     * @param seriesCount series of the study in Study0
     * @param seriesInProject of those, series with a verified copy in the project archive
     */
    record StudyRow(String studyInstanceUid, String studyDate, String description, List<String> modalities,
                    int seriesCount, int seriesInProject) {

        public StudyRow {
            modalities = List.copyOf(modalities);
            if (seriesInProject < 0 || seriesInProject > seriesCount) {
                throw new IllegalArgumentException("seriesInProject must lie in 0.." + seriesCount + ": "
                        + seriesInProject);
            }
        }
    }
}
