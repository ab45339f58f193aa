package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.DemoStudyData;
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

    @Test
    void editStartsTheProcessPreFilledAndTheRequesterCompletesActivateStudy() throws Exception {
        long instance = startAs(DemoStudyData.RESEARCHER, 3);
        UserTask activate = firstTask(instance);
        // The server registered the staging request for the clicked Study0 study with this process.
        assertThat(studies.findOpenRequest(DemoStudyData.RT_HN_2026, "PID-0003", TestPatientStudies.RT_STUDY_UID))
                .hasValueSatisfying(r -> assertThat(r.processInstanceKey()).isEqualTo(instance));
        assertThat(activate.variables()).containsEntry(ProcessDefinition.Variables.STUDY0_STUDY_INSTANCE_UID,
                TestPatientStudies.RT_STUDY_UID);
        // A second Edit resumes it rather than starting another process for the same study.
        assertThat(startAs(DemoStudyData.RESEARCHER, 3)).isEqualTo(instance);
        assertThat(activate.elementId()).isEqualTo(ProcessDefinition.Elements.ACTIVATE_STUDY);
        assertThat(activate.variables()).containsEntry("studyId", DemoStudyData.RT_HN_2026)
                .containsEntry("subjectId", "HN-003").containsEntry("requestedBy", DemoStudyData.RESEARCHER);

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
    }

    @Test
    void otherMembersSeeTheTaskButCannotActOnTheRequestersTaskAndOutsidersSeeNothing() throws Exception {
        long instance = startAs(DemoStudyData.RESEARCHER, 13);
        UserTask activate = firstTask(instance);

        mvc.perform(get("/api/tasks").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$").isEmpty());
        mvc.perform(get("/api/tasks/" + activate.key()).with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden());
        assertThat(studies.auditFor(DemoStudyData.OUTSIDER, 0, 1).events().get(0).action())
                .isEqualTo(AuditActions.ACCESS_DENIED);

        // The coordinator is a member but has no STAGE right, and the task is assigned to the researcher.
        mvc.perform(post("/api/tasks/" + activate.key() + "/complete").with(user(DemoStudyData.COORDINATOR))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{\"studyId\":\"RT-HN-2026\"}"))
                .andExpect(status().isForbidden());
        // The admin may stage, but the task is the researcher's.
        mvc.perform(post("/api/tasks/" + activate.key() + "/complete").with(user(DemoStudyData.ADMIN))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{\"studyId\":\"RT-HN-2026\"}"))
                .andExpect(status().isForbidden());
        assertThat(tasks.get(activate.key())).isPresent();
    }

    @Test
    void aStudyChosenOutsideTheUsersStudiesIsRefused() throws Exception {
        UserTask activate = firstTask(startAs(DemoStudyData.RESEARCHER, 14));
        mvc.perform(post("/api/tasks/" + activate.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{\"studyId\":\"STUDY0\"}"))
                .andExpect(status().isForbidden());
        assertThat(tasks.get(activate.key())).isPresent();
    }

    @Test
    void pickSeriesTakesTheTableAndRtPicks() throws Exception {
        UserTask pick = new ProcessDriver(camunda, tasks).atPickSeries();
        mvc.perform(post("/api/tasks/" + pick.key() + "/complete").with(user(DemoStudyData.RESEARCHER))
                        .with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"pickedSeriesUids\":[\"" + ProcessDriver.MR + "\"],\"pickedRtSeriesUids\":[\""
                                + ProcessDriver.RTSTRUCT + "\"]}"))
                .andExpect(status().isNoContent());
        assertThat(tasks.get(pick.key())).isEmpty();
    }

    @Test
    void claimAndUnclaim() throws Exception {
        UserTask activate = firstTask(startAs(DemoStudyData.RESEARCHER, 15));
        mvc.perform(post("/api/tasks/" + activate.key() + "/unclaim").with(user(DemoStudyData.RESEARCHER))
                .with(csrf())).andExpect(status().isNoContent());
        assertThat(tasks.get(activate.key()).orElseThrow().assignee()).isNull();
        mvc.perform(post("/api/tasks/" + activate.key() + "/claim").with(user(DemoStudyData.RESEARCHER))
                .with(csrf())).andExpect(status().isNoContent());
        assertThat(tasks.get(activate.key()).orElseThrow().assignee()).isEqualTo(DemoStudyData.RESEARCHER);
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

    private UserTask firstTask(long instance) {
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(10),
                () -> tasks.open(instance).stream().findFirst().orElse(null),
                () -> "no user task in process instance " + instance);
    }
}
