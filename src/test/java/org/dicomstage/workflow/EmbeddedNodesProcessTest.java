package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.dicomstage.DicomStageApplication;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.testing.SharedData;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import io.camunda.client.CamundaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The local run's configuration: the archives and the holding node are EMBEDDED nodes that the registry starts
 * itself (in-process access, no DIMSE in between). The RT fixture is staged into the holding node, verified there,
 * and published to the project archive on Accept, through the real workers.
 */
@PollingWorkers
@SpringBootTest(classes = DicomStageApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "camunda.client.worker.defaults.poll-interval=200ms")
@ContextConfiguration(initializers = ZptEngineInitializer.class)
@Import({ZptHarnessConfiguration.class, DemoStudyData.class})
class EmbeddedNodesProcessTest {

    @TempDir
    static Path archives;

    @DynamicPropertySource
    static void nodes(DynamicPropertyRegistry registry) {
        org.dicomstage.testing.EmbeddedNodes.register(registry, () -> archives,
                List.of(DemoStudyData.STUDY0_NODE, DemoStudyData.PROJECT_NODE, DemoStudyData.HOLDING_NODE));
    }

    @Autowired
    CamundaClient client;
    @Autowired
    UserTasks userTasks;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate db;

    @Test
    void theRtSetIsStagedAndVerifiedBetweenEmbeddedArchives() throws IOException {
        EmbeddedArchive study0 = nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow();
        EmbeddedArchive project = nodes.archive(DemoStudyData.PROJECT_NODE).orElseThrow();
        assertThat(study0.importDirectory(SharedData.rtSet())).isEqualTo(8);

        long instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)).send().join()
                .getProcessInstanceKey();
        complete(instance, Elements.ACTIVATE_STUDY, Map.of(Variables.STUDY_ID, DemoStudyData.RT_HN_2026));
        complete(instance, Elements.SELECT_PATIENT, Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT,
                Variables.SUBJECT_ID, DemoStudyData.RT_FIXTURE_SUBJECT_ID));
        UserTask pick = await(instance, Elements.PICK_SERIES);
        @SuppressWarnings("unchecked")
        var tree = (List<Map<String, Object>>) pick.variables().get(Variables.RT_TREE);
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_RT_SERIES_UIDS,
                List.of(tree.getFirst().get("seriesInstanceUid"))));
        UserTask confirm = await(instance, Elements.CONFIRM_SELECTION);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));

        UserTask review = await(instance, Elements.REVIEW_STAGED_COPY);
        assertThat(review.variables().get(Variables.VERIFIED)).isEqualTo(true);
        EmbeddedArchive holding = nodes.archive(DemoStudyData.HOLDING_NODE).orElseThrow();
        assertThat(holding.size()).as("verified and reviewed in the holding node").isEqualTo(8);
        assertThat(project.size()).as("nothing published before Accept").isZero();
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));

        // Closing the request is the process's last step, after Publish: the record stream may answer "not active"
        // before the engine got there, so the database says when the copy is complete.
        org.dicomstage.testing.Poll.until(Duration.ofSeconds(60), () -> db.queryForObject("SELECT COUNT(*) FROM "
                + "staging_request WHERE process_instance_key = ? AND closed_at IS NOT NULL AND outcome = 'ACCEPTED'",
                Integer.class, instance) == 1 ? true : null,
                () -> "request of instance " + instance + " not closed as accepted; open: " + userTasks.open(instance));
        assertThat(project.size()).isEqualTo(8);
        try (var files = Files.walk(project.storageDirectory())) {
            assertThat(files.filter(f -> f.toString().endsWith(".dcm")).count()).isEqualTo(8);
        }
        assertThat(holding.size()).as("the holding copy is emptied once published").isZero();
        try (var files = Files.walk(holding.storageDirectory())) {
            assertThat(files.filter(f -> f.toString().endsWith(".dcm")).count()).isZero();
        }
    }

    private void complete(long instance, String elementId, Map<String, Object> variables) {
        userTasks.complete(await(instance, elementId).key(), variables);
    }

    private UserTask await(long instance, String elementId) {
        Supplier<UserTask> probe = () -> userTasks.open(instance).stream().filter(t -> t.elementId().equals(elementId))
                .findFirst().orElse(null);
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(60), probe,
                () -> "no task " + elementId + "; open: " + userTasks.open(instance));
    }
}
