package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.camunda.client.CamundaClient;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.assertions.BpmnAssert;
import io.camunda.zeebe.process.test.filters.RecordStream;
import io.camunda.zeebe.process.test.inspections.model.InspectedProcessInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.Poll;
import org.dicomstage.workflow.PollingWorkers;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.dicomstage.workflow.ZptEngineInitializer;
import org.dicomstage.workflow.ZptHarnessConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Four eyes at review, with the real job workers and archives: the coordinator turns it on for RT-HN-2026, the
 * researcher's copy is staged and verified, and the review is offered to the study's other reviewers only. The
 * researcher may look at it but is refused claim and complete, in words and on the audit trail; the coordinator
 * accepts, and the copy is published.
 */
@PollingWorkers
@SpringBootTest(classes = WebUiTest.Application.class, webEnvironment = SpringBootTest.WebEnvironment.MOCK,
        properties = {"dicomstage.security.mode=demo", "camunda.client.worker.defaults.poll-interval=200ms"})
@AutoConfigureMockMvc
@ContextConfiguration(initializers = ZptEngineInitializer.class)
@Import({ZptHarnessConfiguration.class, DemoStudyData.class, ZptProcessInstances.Configuration.class})
class FourEyesReviewProcessTest {

    private static final int SUBJECT = 6;
    private static final int INSTANCES = 3;
    private static final String SETTING = "/api/studies/" + DemoStudyData.RT_HN_2026 + "/review-setting";

    @TempDir
    static Path archives;
    @TempDir
    Path dir;

    @DynamicPropertySource
    static void nodes(DynamicPropertyRegistry registry) {
        org.dicomstage.testing.EmbeddedNodes.register(registry, () -> archives,
                List.of(DemoStudyData.STUDY0_NODE, DemoStudyData.PROJECT_NODE, DemoStudyData.HOLDING_NODE));
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    CamundaClient client;
    @Autowired
    ZeebeTestEngine engine;
    @Autowired
    UserTasks userTasks;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    StudyService studies;
    @Autowired
    JdbcTemplate db;

    @Test
    void underFourEyesTheRequesterIsRefusedAndAnotherReviewerAccepts() throws Exception {
        BpmnAssert.initRecordStream(RecordStream.of(engine.getRecordStreamSource()));
        // Only a coordinator or admin turns four eyes on.
        mvc.perform(put(SETTING).with(user(DemoStudyData.RESEARCHER)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"fourEyes\":true}"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("Only a coordinator or admin of RT-HN-2026 may change who reviews."));
        mvc.perform(put(SETTING).with(user(DemoStudyData.COORDINATOR)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"fourEyes\":true}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.fourEyes").value(true));
        mvc.perform(get(SETTING).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.fourEyes").value(true))
                .andExpect(jsonPath("$.reviewers.length()").value(3));

        EmbeddedArchive study0 = nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow();
        study0.importDirectory(CtSeriesGenerator.write(dir.resolve("ct"), INSTANCES, "Moreau^Claire",
                DemoStudyData.pid(SUBJECT)).files().getFirst().getParent());
        long instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)).send().join()
                .getProcessInstanceKey();
        complete(instance, Elements.ACTIVATE_STUDY, Map.of(Variables.STUDY_ID, DemoStudyData.RT_HN_2026));
        complete(instance, Elements.SELECT_PATIENT, Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT,
                Variables.SUBJECT_ID, DemoStudyData.studySubjectId(SUBJECT)));
        UserTask pick = await(instance, Elements.PICK_SERIES);
        @SuppressWarnings("unchecked")
        var series = ((List<Map<String, Object>>) pick.variables().get(Variables.SERIES_TABLE)).getFirst();
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(series.get("seriesInstanceUid"))));
        UserTask confirm = await(instance, Elements.CONFIRM_SELECTION);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));

        // Verified: offered to the coordinator and the admin, not to the researcher who asked for the copy.
        UserTask review = await(instance, Elements.REVIEW_STAGED_COPY);
        assertThat(review.variables().get(Variables.VERIFIED)).isEqualTo(true);
        assertThat(review.assignee()).isNull();
        assertThat(review.candidateUsers()).containsExactly(DemoStudyData.ADMIN, DemoStudyData.COORDINATOR);
        assertThat(review.variables().get(Variables.FOUR_EYES)).isEqualTo(true);
        // The checks and the identity in words, from the real verification of the held copy.
        @SuppressWarnings("unchecked")
        var report = (List<Map<String, Object>>) review.variables().get(Variables.VERIFICATION_REPORT);
        assertThat(report).singleElement().satisfies(r -> assertThat(r.get("checks")).isEqualTo(
                "all 3 instances arrived; no source identifier found; pixel data identical in 3 of 3;"
                        + " no references to check"));
        @SuppressWarnings("unchecked")
        var identity = (List<Map<String, Object>>) review.variables().get(Variables.PSEUDONYMIZED_IDENTITY);
        assertThat(identity).singleElement().satisfies(r -> {
            assertThat(r.get("studySubjectId")).isEqualTo(DemoStudyData.studySubjectId(SUBJECT));
            assertThat((String) r.get("PatientID")).startsWith("RT-");
            assertThat((String) r.get("dates")).startsWith("shifted back by ");
            assertThat(r.get("profile")).isEqualTo(DemoStudyData.PROFILE);
        });
        assertThat(review.variables().toString()).doesNotContain(DemoStudyData.pid(SUBJECT), "Moreau", "Claire");

        // The researcher sees that the review waits for someone else, and cannot claim or complete it.
        String fourEyes = "Four eyes: you requested this copy, so another member with the review right in "
                + DemoStudyData.RT_HN_2026 + " must review it.";
        mvc.perform(get("/api/tasks").param("processInstanceKey", Long.toString(instance))
                        .with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$[0].note").value(fourEyes));
        mvc.perform(get("/api/tasks/" + review.key()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.task.note").value(fourEyes));
        mvc.perform(post("/api/tasks/" + review.key() + "/claim").with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isForbidden()).andExpect(jsonPath("$.error").value(fourEyes));
        mvc.perform(post("/api/tasks/" + review.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{\"reviewDecision\":\"accept\"}"))
                .andExpect(status().isForbidden()).andExpect(jsonPath("$.error").value(fourEyes));
        assertThat(userTasks.get(review.key())).as("still open").isPresent();
        assertThat(trail(review.key())).extracting(AuditEventView::action, AuditEventView::username).containsExactly(
                tuple(AuditActions.FOUR_EYES_REFUSED, DemoStudyData.RESEARCHER),
                tuple(AuditActions.FOUR_EYES_REFUSED, DemoStudyData.RESEARCHER));

        // The coordinator sees it without a note, claims it and accepts.
        mvc.perform(get("/api/tasks").param("processInstanceKey", Long.toString(instance))
                        .with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isOk()).andExpect(jsonPath("$[0].key").value(Long.toString(review.key())))
                .andExpect(jsonPath("$[0].note").doesNotExist());
        mvc.perform(post("/api/tasks/" + review.key() + "/claim").with(user(DemoStudyData.COORDINATOR)).with(csrf()))
                .andExpect(status().isNoContent());
        mvc.perform(post("/api/tasks/" + review.key() + "/complete").with(user(DemoStudyData.COORDINATOR))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{\"reviewDecision\":\"accept\"}"))
                .andExpect(status().isNoContent());
        Poll.until(Duration.ofSeconds(90), () -> db.queryForObject("SELECT COUNT(*) FROM staging_request WHERE "
                + "process_instance_key = ? AND outcome = 'ACCEPTED'", Integer.class, instance) == 1 ? true : null,
                () -> "request of instance " + instance + " not closed as accepted");
        // The close-request job completes just after the request is closed.
        Poll.until(Duration.ofSeconds(30), () -> {
            try {
                BpmnAssert.assertThat(new InspectedProcessInstance(instance)).isCompleted();
                return true;
            } catch (AssertionError notYet) {
                return null;
            }
        }, () -> "process instance " + instance + " did not complete");
        BpmnAssert.assertThat(new InspectedProcessInstance(instance)).hasPassedElement(Elements.ACCEPT_CHOSEN)
                .hasPassedElement(Elements.END_ACCEPTED).hasNoIncidents();
        assertThat(trail(review.key())).extracting(AuditEventView::action, AuditEventView::username).containsExactly(
                tuple(AuditActions.REVIEW_ACCEPTED, DemoStudyData.COORDINATOR),
                tuple(AuditActions.TASK_COMPLETED, DemoStudyData.COORDINATOR),
                tuple(AuditActions.TASK_CLAIMED, DemoStudyData.COORDINATOR),
                tuple(AuditActions.FOUR_EYES_REFUSED, DemoStudyData.RESEARCHER),
                tuple(AuditActions.FOUR_EYES_REFUSED, DemoStudyData.RESEARCHER));
        assertThat(trail(review.key()).getFirst().detail()).endsWith("requested by " + DemoStudyData.RESEARCHER);
        BpmnAssert.resetRecordStream();
    }

    /** The study's audit rows about this task, newest first. */
    private List<AuditEventView> trail(long taskKey) {
        String task = "task " + taskKey;
        return studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 200).events().stream()
                .filter(e -> e.detail() != null && (e.detail().equals(task) || e.detail().startsWith(task + " ")
                        || e.detail().startsWith("claim " + task + " ") || e.detail().startsWith("complete " + task + " ")))
                .toList();
    }

    private void complete(long instance, String elementId, Map<String, Object> variables) {
        userTasks.complete(await(instance, elementId).key(), variables);
    }

    private UserTask await(long instance, String elementId) {
        Supplier<UserTask> probe = () -> userTasks.open(instance).stream().filter(t -> t.elementId().equals(elementId))
                .findFirst().orElse(null);
        return Poll.until(Duration.ofSeconds(90), probe,
                () -> "no task " + elementId + "; open: " + userTasks.open(instance));
    }
}
