package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.ReviewSettings;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

@WebUiTest
@AutoConfigureMockMvc
class TaskControllerTest {

    private static final String EDIT = edit(3);

    @Autowired
    MockMvc mvc;
    @Autowired
    UserTasks tasks;
    @Autowired
    StudyService studies;
    @Autowired
    ObjectMapper json;
    @Autowired
    io.camunda.client.CamundaClient camunda;
    @Autowired
    ProcessInstances instances;
    @Autowired
    ReviewSettings reviewSettings;

    @Test
    void editStartsTheProcessWithStudySubjectAndStudy0StudyFixedAndSkipsActivateStudy() throws Exception {
        long instance = startAs(DemoStudyData.RESEARCHER, 3);
        // The server registered the staging request for the clicked Study0 study with this process.
        StagingRequestView request = studies.findOpenRequest(DemoStudyData.RT_HN_2026, "PID-0003",
                TestPatientStudies.RT_STUDY_UID).orElseThrow();
        assertThat(request.processInstanceKey()).isEqualTo(instance);
        // A second Edit resumes it rather than starting another process for the same study.
        assertThat(startAs(DemoStudyData.RESEARCHER, 3)).isEqualTo(instance);

        // Study, subject and Study0 study are fixed at the start, so the process skipped Activate study and Select
        // patient and waits at the access check (its worker is off here), with no task for anyone.
        ProcessInstances.Detail detail = org.dicomstage.testing.Poll.until(Duration.ofSeconds(10),
                () -> instances.get(instance).filter(d -> d.activeElements()
                        .contains(ProcessDefinition.Elements.CHECK_STUDY_ACCESS)).orElse(null),
                () -> "process instance " + instance + " not at " + ProcessDefinition.Elements.CHECK_STUDY_ACCESS);
        assertThat(detail.completedElements()).contains(ProcessDefinition.Elements.STARTED_FROM_LOOKUP)
                .doesNotContain(ProcessDefinition.Elements.ACTIVATE_STUDY, ProcessDefinition.Elements.SELECT_PATIENT);
        assertThat(detail.variables()).containsEntry(ProcessDefinition.Variables.STUDY_ID, DemoStudyData.RT_HN_2026)
                .containsEntry(ProcessDefinition.Variables.SELECTED_SUBJECT_IDS, List.of("HN-003"))
                .containsEntry(ProcessDefinition.Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)
                .containsEntry(ProcessDefinition.Variables.STUDY0_STUDY_INSTANCE_UID, TestPatientStudies.RT_STUDY_UID);
        assertThat(((Number) detail.variables().get(ProcessDefinition.Variables.STAGING_REQUEST_ID)).longValue())
                .isEqualTo(request.id());
        assertThat(tasks.open(instance)).isEmpty();
        mvc.perform(get("/api/tasks").param("processInstanceKey", Long.toString(instance))
                        .with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$").isEmpty());
    }

    @Test
    void aTasklistStartAsksTheRequesterForTheStudyAndKeepsOnlyTheFormsFields() throws Exception {
        UserTask activate = driver().atActivateStudy(DemoStudyData.RESEARCHER);
        long instance = activate.processInstanceKey();
        assertThat(activate.elementId()).isEqualTo(ProcessDefinition.Elements.ACTIVATE_STUDY);
        assertThat(activate.assignee()).isEqualTo(DemoStudyData.RESEARCHER);

        mvc.perform(get("/api/tasks").param("processInstanceKey", Long.toString(instance))
                        .with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].key").value(Long.toString(activate.key())))
                .andExpect(jsonPath("$[0].formId").value(ProcessDefinition.Forms.ACTIVATE_STUDY));
        mvc.perform(get("/api/tasks/" + activate.key()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.variables.availableStudies[0].value").value(DemoStudyData.RT_HN_2026));
        mvc.perform(get("/api/forms/" + ProcessDefinition.Forms.ACTIVATE_STUDY).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.id").value(ProcessDefinition.Forms.ACTIVATE_STUDY));

        // requestedBy is not a field of the form: it is dropped, the study is kept.
        mvc.perform(post("/api/tasks/" + activate.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"studyId\":\"RT-HN-2026\",\"requestedBy\":\"admin\"}"))
                .andExpect(status().isNoContent());
        assertThat(tasks.get(activate.key())).isEmpty();
        ProcessInstances.Detail detail = org.dicomstage.testing.Poll.until(Duration.ofSeconds(10),
                () -> instances.get(instance).filter(d -> d.activeElements()
                        .contains(ProcessDefinition.Elements.CHECK_STUDY_ACCESS)).orElse(null),
                () -> "process instance " + instance + " not at " + ProcessDefinition.Elements.CHECK_STUDY_ACCESS);
        assertThat(detail.variables()).containsEntry(ProcessDefinition.Variables.STUDY_ID, DemoStudyData.RT_HN_2026)
                .containsEntry(ProcessDefinition.Variables.REQUESTED_BY, DemoStudyData.RESEARCHER);
    }

    @Test
    void otherMembersSeeTheTaskButCannotActOnTheRequestersTaskAndOutsidersSeeNothing() throws Exception {
        // Select patient: a task of RT-HN-2026 (chosen at Activate study), assigned to the requester.
        UserTask select = driver().atSelectPatient(DemoStudyData.RESEARCHER, "HN-013");

        mvc.perform(get("/api/tasks").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$").isEmpty());
        mvc.perform(get("/api/tasks/" + select.key()).with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden());
        assertThat(studies.auditFor(DemoStudyData.OUTSIDER, 0, 1).events().get(0).action())
                .isEqualTo(AuditActions.ACCESS_DENIED);

        // Another member sees the study's task.
        mvc.perform(get("/api/tasks").param("processInstanceKey", Long.toString(select.processInstanceKey()))
                        .with(user(DemoStudyData.ADMIN)))
                .andExpect(status().isOk()).andExpect(jsonPath("$[0].key").value(Long.toString(select.key())));
        String selection = "{\"subjectSelectionMode\":\"one\",\"subjectId\":\"HN-013\"}";
        // The coordinator is a member but has no STAGE right, and the task is assigned to the researcher.
        mvc.perform(post("/api/tasks/" + select.key() + "/complete").with(user(DemoStudyData.COORDINATOR))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content(selection))
                .andExpect(status().isForbidden());
        // The admin may stage, but the task is the researcher's.
        mvc.perform(post("/api/tasks/" + select.key() + "/complete").with(user(DemoStudyData.ADMIN))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content(selection))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("Task " + select.key() + " is claimed by "
                        + DemoStudyData.RESEARCHER + "."));
        assertThat(tasks.get(select.key())).isPresent();
    }

    @Test
    void aStudyChosenOutsideTheUsersStudiesIsRefused() throws Exception {
        UserTask activate = driver().atActivateStudy(DemoStudyData.RESEARCHER);
        mvc.perform(post("/api/tasks/" + activate.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{\"studyId\":\"STUDY0\"}"))
                .andExpect(status().isForbidden());
        assertThat(tasks.get(activate.key())).isPresent();
    }

    @Test
    void pickSeriesTakesTheTableAndRtPicks() throws Exception {
        UserTask pick = driver().atPickSeries();
        mvc.perform(post("/api/tasks/" + pick.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"pickedSeriesUids\":[\"" + ProcessDriver.MR + "\"],\"pickedRtSeriesUids\":[\""
                                + ProcessDriver.RTSTRUCT + "\"]}"))
                .andExpect(status().isNoContent());
        assertThat(tasks.get(pick.key())).isEmpty();
    }

    @Test
    void claimAndUnclaim() throws Exception {
        UserTask activate = driver().atActivateStudy(DemoStudyData.RESEARCHER);
        mvc.perform(post("/api/tasks/" + activate.key() + "/unclaim").with(user(DemoStudyData.RESEARCHER))
                .with(csrf())).andExpect(status().isNoContent());
        assertThat(tasks.get(activate.key()).orElseThrow().assignee()).isNull();
        mvc.perform(post("/api/tasks/" + activate.key() + "/claim").with(user(DemoStudyData.RESEARCHER))
                .with(csrf())).andExpect(status().isNoContent());
        assertThat(tasks.get(activate.key()).orElseThrow().assignee()).isEqualTo(DemoStudyData.RESEARCHER);
    }

    @Test
    void claimUnclaimAndTheReviewDecisionAreAuditedWithTheActingUserAlsoWhenAnAdminReviewsAResearchersCopy()
            throws Exception {
        UserTask review = driver().atReview(driver().atPickSeries(),
                reviewSettings.candidates(DemoStudyData.RT_HN_2026, DemoStudyData.RESEARCHER), false);
        String task = "task " + review.key();
        assertThat(review.candidateUsers()).as("every member with the review right")
                .containsExactly(DemoStudyData.ADMIN, DemoStudyData.COORDINATOR, DemoStudyData.RESEARCHER);

        mvc.perform(post("/api/tasks/" + review.key() + "/claim").with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isNoContent());
        mvc.perform(post("/api/tasks/" + review.key() + "/unclaim").with(user(DemoStudyData.RESEARCHER))
                .with(csrf())).andExpect(status().isNoContent());
        mvc.perform(post("/api/tasks/" + review.key() + "/complete").with(user(DemoStudyData.ADMIN)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"reviewDecision\":\"sendBack\",\"reviewComment\":\"the plan is missing\"}"))
                .andExpect(status().isNoContent());

        List<AuditEventView> rows = studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 50).events().stream()
                .filter(e -> e.detail() != null && (e.detail().equals(task) || e.detail().startsWith(task + " ")))
                .toList();
        assertThat(rows).extracting(AuditEventView::action, AuditEventView::username).containsExactly(
                tuple(AuditActions.REVIEW_SENT_BACK, DemoStudyData.ADMIN),
                tuple(AuditActions.TASK_COMPLETED, DemoStudyData.ADMIN),
                tuple(AuditActions.TASK_UNCLAIMED, DemoStudyData.RESEARCHER),
                tuple(AuditActions.TASK_CLAIMED, DemoStudyData.RESEARCHER));
        assertThat(rows.getFirst().detail()).isEqualTo(task + " (Review staged copy) of process "
                + review.processInstanceKey() + ", requested by " + DemoStudyData.RESEARCHER + ": the plan is missing");
        assertThat(rows.get(2).detail()).endsWith("was claimed by " + DemoStudyData.RESEARCHER);
    }

    @Test
    void aReviewerWhoCancelsIsAuditedAndRecordedAsWhoCancelledNotTheRequester() throws Exception {
        UserTask review = driver().atReview(driver().atPickSeries(),
                reviewSettings.candidates(DemoStudyData.RT_HN_2026, DemoStudyData.RESEARCHER), false);
        mvc.perform(post("/api/tasks/" + review.key() + "/complete").with(user(DemoStudyData.COORDINATOR))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"reviewDecision\":\"cancel\",\"cancelReason\":\"wrong patient\","
                                + "\"reviewedBy\":\"someone-else\"}"))
                .andExpect(status().isNoContent());

        AuditEventView cancelled = studies.auditFor(DemoStudyData.COORDINATOR, 0, 5).events().stream()
                .filter(e -> e.action().equals(AuditActions.REVIEW_CANCELLED)).findFirst().orElseThrow();
        assertThat(cancelled.detail()).startsWith("task " + review.key() + " (Review staged copy)")
                .endsWith("requested by " + DemoStudyData.RESEARCHER + ": wrong patient");
        // The cancel path's worker records the cancel under cancelledBy: the reviewer, from the session.
        ProcessInstances.Detail detail = org.dicomstage.testing.Poll.until(Duration.ofSeconds(10),
                () -> instances.get(review.processInstanceKey()).filter(d -> d.activeElements()
                        .contains(ProcessDefinition.Elements.CLEAR_HOLDING_CANCELLED)).orElse(null),
                () -> "not on the cancel path");
        assertThat(detail.variables()).containsEntry(ProcessDefinition.Variables.CANCELLED_BY,
                DemoStudyData.COORDINATOR).containsEntry(ProcessDefinition.Variables.CANCEL_REASON, "wrong patient");
    }

    @Test
    void onlyMembersWithStageMayStartAndTheSubjectMustBeEnrolled() throws Exception {
        mvc.perform(post(EDIT).with(user(DemoStudyData.COORDINATOR)).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post(EDIT).with(user(DemoStudyData.OUTSIDER)).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/PID-9999/dicom-studies/1.2.3/edit")
                .with(user(DemoStudyData.RESEARCHER)).with(csrf())).andExpect(status().isForbidden());
    }

    @Test
    void lookupListsTheSubjectsStudy0StudiesWithTheProjectColumn() throws Exception {
        mvc.perform(get("/api/studies/RT-HN-2026/subjects/PID-0001/dicom-studies").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].project").value("Partial (1 of 4)"))
                .andExpect(jsonPath("$[1].project").value("No"));
        mvc.perform(get("/api/studies/RT-HN-2026/subjects").param("q", "hn-0").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.hits.length()").value(StudyService.SEARCH_LIMIT))
                .andExpect(jsonPath("$.more").value(true));
    }

    /** Edit on a subject's RT study; each test its own subject, since Edit resumes a running process. */
    private static String edit(int subject) {
        return "/api/studies/RT-HN-2026/subjects/" + DemoStudyData.pid(subject) + "/dicom-studies/"
                + TestPatientStudies.RT_STUDY_UID + "/edit";
    }

    private long startAs(String username, int subject) throws Exception {
        String body = mvc.perform(post(edit(subject)).with(user(username)).with(csrf()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        JsonNode started = json.readTree(body);
        return Long.parseLong(started.path("processInstanceKey").asText());
    }

    private ProcessDriver driver() {
        return new ProcessDriver(camunda, tasks);
    }
}
