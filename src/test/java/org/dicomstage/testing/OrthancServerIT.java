package org.dicomstage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The test harness itself: start, REST helpers, stop and clean-up. */
class OrthancServerIT {

    private static final String STUDY = SharedData.RT_STUDY_UID;

    @Test
    void startsUploadsAnonymizesAndCleansUp() {
        Path storage;
        int httpPort = OrthancServer.freePort();
        try (OrthancServer orthanc = OrthancServer.builder().aet("HARNESS").httpPort(httpPort)
                .modality("STAGE", "STAGE", "127.0.0.1", 11112).start()) {
            assertThat(orthanc.httpPort()).isEqualTo(httpPort);
            assertThat(orthanc.dicomPort()).isPositive().isNotEqualTo(httpPort);
            assertThat(orthanc.dicomWebUrl()).isEqualTo("http://127.0.0.1:" + httpPort + "/dicom-web");
            assertThat(orthanc.aet()).isEqualTo("HARNESS");
            JsonNode system = orthanc.get("/system");
            assertThat(system.path("DicomAet").asText()).isEqualTo("HARNESS");
            assertThat(orthanc.get("/modalities")).extracting(JsonNode::toString).asString().contains("STAGE");
            assertThat(orthanc.instanceCount()).isZero();
            assertThat(orthanc.findStudyId(STUDY)).isNull();

            List<String> ids = orthanc.uploadAll(SharedData.rtSet());

            assertThat(ids).hasSize(8);
            assertThat(orthanc.instanceCount()).isEqualTo(8);
            assertThat(orthanc.listInstances()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(orthanc.listSopInstanceUids()).contains(STUDY + ".2.57", "2.16.840.1.114337.1.1.1535997926.0");
            String studyId = orthanc.findStudyId(STUDY);
            assertThat(studyId).isNotNull();
            assertThat(orthanc.instanceTags(ids.get(0)).path("StudyInstanceUID").asText()).isEqualTo(STUDY);

            String anonymized = orthanc.anonymizeStudy(studyId);

            assertThat(anonymized).isNotEqualTo(studyId);
            assertThat(orthanc.listStudies()).containsExactlyInAnyOrder(studyId, anonymized);
            assertThat(orthanc.instanceCount()).isEqualTo(16);
            assertThat(Files.exists(orthanc.logFile())).isTrue();

            storage = orthanc.directory();
            assertThat(storage).isDirectory();

            orthanc.clear();
            assertThat(orthanc.instanceCount()).isZero();
        }
        assertThat(storage).doesNotExist();
    }
}
