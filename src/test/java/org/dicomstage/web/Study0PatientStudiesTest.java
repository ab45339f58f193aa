package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.staging.SeriesStagingSpec;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.testing.SharedData;
import org.dicomstage.workflow.ZptEngineInitializer;
import org.dicomstage.workflow.ZptHarnessConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real Study0 listing against two embedded archives: the RT fixture's study with its modalities and series, and
 * the Project column moving from No to Partial once one series has a complete pseudonymized copy.
 */
@SpringBootTest(classes = DicomStageApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "camunda.client.worker.defaults.enabled=false")
@ContextConfiguration(initializers = ZptEngineInitializer.class)
@Import({ZptHarnessConfiguration.class, DemoStudyData.class})
class Study0PatientStudiesTest {

    @TempDir
    static Path archives;

    @DynamicPropertySource
    static void nodes(DynamicPropertyRegistry registry) {
        org.dicomstage.testing.EmbeddedNodes.register(registry, () -> archives,
                List.of(DemoStudyData.STUDY0_NODE, DemoStudyData.PROJECT_NODE, DemoStudyData.HOLDING_NODE));
    }

    @Autowired
    PatientStudies patientStudies;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    StudyService studies;
    @Autowired
    StagingService staging;

    @Test
    void listsThePatientsStudy0StudiesAndHowMuchOfEachTheProjectHolds() throws Exception {
        assertThat(patientStudies).isInstanceOf(Study0PatientStudies.class);
        nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow().importDirectory(SharedData.rtSet());

        List<PatientStudies.StudyRow> rows = patientStudies.studiesOf(DemoStudyData.RT_HN_2026,
                DemoStudyData.RT_FIXTURE_PID);
        assertThat(rows).hasSize(1);
        PatientStudies.StudyRow row = rows.getFirst();
        assertThat(row.modalities()).contains("CT", "RTSTRUCT", "RTPLAN", "RTDOSE");
        assertThat(row.seriesCount()).isEqualTo(4);
        assertThat(row.seriesInProject()).isZero();
        assertThat(row.studyDate()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(patientStudies.studiesOf(DemoStudyData.RT_HN_2026, DemoStudyData.pid(7))).isEmpty();

        // A complete copy of one series (the RT structure set) makes it Partial (1 of 4).
        SeriesEntry rtstruct = nodes.node(DemoStudyData.STUDY0_NODE).findSeries(row.studyInstanceUid()).stream()
                .filter(s -> s.modality().equals("RTSTRUCT")).findFirst().orElseThrow();
        var study = studies.studyForStaging(DemoStudyData.RT_HN_2026, DemoStudyData.RT_FIXTURE_PID);
        staging.stage(new SeriesStagingSpec(nodes.node(DemoStudyData.STUDY0_NODE),
                nodes.node(DemoStudyData.PROJECT_NODE), PseudonymizationProfile.builtin(study.profileName()),
                new PseudonymContext(studies.studySecret(DemoStudyData.RT_HN_2026),
                        study.enrolment().studySubjectId(), new ClinicalTrial(study.sponsor(), study.protocolId(),
                        study.protocolName(), study.enrolment().siteId(), study.enrolment().siteName())),
                row.studyInstanceUid(), rtstruct.seriesInstanceUID()));

        PatientStudies.StudyRow after = patientStudies.studiesOf(DemoStudyData.RT_HN_2026,
                DemoStudyData.RT_FIXTURE_PID).getFirst();
        assertThat(after.seriesInProject()).isEqualTo(1);
        assertThat(LookupController.StudyRowView.of(after).project()).isEqualTo("Partial (1 of 4)");
    }
}
