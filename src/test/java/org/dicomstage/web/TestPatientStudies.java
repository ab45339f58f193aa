package org.dicomstage.web;

import java.util.List;
import org.dicomstage.study.DemoStudyData;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Test double of the Study0 listing: every subject has the same two Study0 studies, one partly copied. Primary over
 * the real {@link Study0PatientStudies}, whose archives these web tests do not start.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestPatientStudies {

    static final String CT_STUDY_UID = "1.2.826.0.1.3680043.10.1.1";
    static final String RT_STUDY_UID = "1.2.826.0.1.3680043.10.1.2";

    @Bean
    @Primary
    PatientStudies patientStudies() {
        return (study, pid) -> DemoStudyData.RT_HN_2026.equals(study)
                ? List.of(new PatientStudies.StudyRow(RT_STUDY_UID, "2026-03-02", "RT planning " + pid,
                        List.of("CT", "RTSTRUCT", "RTPLAN", "RTDOSE"), 4, 1),
                new PatientStudies.StudyRow(CT_STUDY_UID, "2025-11-20", "Diagnostic CT " + pid, List.of("CT"), 1, 0))
                : List.of();
    }
}
