package org.dicomstage.web;

import java.util.List;
import org.dicomstage.study.DemoStudyData;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Test double of the Study0 listing: every subject has the same two Study0 studies, one partly copied, and the RT
 * study has the series {@link ProcessDriver} offers at Pick series. Primary over the real
 * {@link Study0PatientStudies}, whose archives these web tests do not start.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestPatientStudies {

    static final String CT_STUDY_UID = "1.2.826.0.1.3680043.10.1.1";
    static final String RT_STUDY_UID = ProcessDriver.STUDY_UID;

    @Bean
    @Primary
    PatientStudies patientStudies() {
        return new PatientStudies() {
            @Override
            public List<StudyRow> studiesOf(String study, String pid) {
                return DemoStudyData.RT_HN_2026.equals(study)
                        ? List.of(new StudyRow(RT_STUDY_UID, "2026-03-02", "RT planning " + pid,
                                List.of("CT", "RTSTRUCT", "RTPLAN", "RTDOSE"), 4, 1),
                        new StudyRow(CT_STUDY_UID, "2025-11-20", "Diagnostic CT " + pid, List.of("CT"), 1, 0))
                        : List.of();
            }

            @Override
            public List<SeriesRow> seriesOf(String pid, String studyInstanceUid) {
                return RT_STUDY_UID.equals(studyInstanceUid) ? List.of(
                        new SeriesRow(ProcessDriver.CT, "CT", "1", "Planning CT", 120),
                        new SeriesRow(ProcessDriver.MR, "MR", "2", "T1 MPRAGE", 176),
                        new SeriesRow(ProcessDriver.RTSTRUCT, "RTSTRUCT", "3", "Contours", 1),
                        new SeriesRow(ProcessDriver.PLAN_APPROVED, "RTPLAN", "4", "Plan A", 1),
                        new SeriesRow(ProcessDriver.PLAN_UNAPPROVED, "RTPLAN", "5", "Plan B", 1),
                        new SeriesRow(ProcessDriver.DOSE, "RTDOSE", "6", "Dose A", 1)) : List.of();
            }
        };
    }
}
