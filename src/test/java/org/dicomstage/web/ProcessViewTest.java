package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.UserTasks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

@WebUiTest
@AutoConfigureMockMvc
class ProcessViewTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    CamundaClient camunda;
    @Autowired
    UserTasks tasks;
    @Autowired
    ProcessInstances instances;
    @Autowired
    StudyService studies;

    @Test
    void coordinatorSeesTheInstanceItsDiagramStateAndRetriesAnIncident() throws Exception {
        long instance = startedByEdit();
        // check-access fails for good (no retries left): an incident at CheckStudyAccess.
        // Other tests' Edits leave check-access jobs too (no workers here): lock them only briefly.
        ActivatedJob job = await(() -> camunda.newActivateJobsCommand()
                .jobType(ProcessDefinition.JobTypes.CHECK_ACCESS).maxJobsToActivate(100)
                .timeout(Duration.ofSeconds(1)).send().join().getJobs().stream()
                .filter(j -> j.getProcessInstanceKey() == instance).findFirst().orElse(null));
        camunda.newFailCommand(job.getKey()).retries(0).errorMessage("archive unreachable").send().join();
        ProcessInstances.Incident incident = awaitIncident(instance);

        mvc.perform(get("/api/processes").param("study", DemoStudyData.RT_HN_2026).param("state", "ACTIVE")
                        .with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items[?(@.key == '" + instance + "')].requestedBy").value(DemoStudyData.RESEARCHER))
                .andExpect(jsonPath("$.items[?(@.key == '" + instance + "')].subjectId").value("HN-005"))
                .andExpect(jsonPath("$.items[?(@.key == '" + instance + "')].openIncidents").value(1));
        mvc.perform(get("/api/processes/" + instance).with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isOk())
                // Edit fixed the study: the gateway took the lookup's branch, past Activate study.
                .andExpect(jsonPath("$.completedElements").value(
                        org.hamcrest.Matchers.hasItem(ProcessDefinition.Elements.STARTED_FROM_LOOKUP)))
                .andExpect(jsonPath("$.completedElements").value(
                        org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("ActivateStudy"))))
                .andExpect(jsonPath("$.activeElements").value(org.hamcrest.Matchers.hasItem("CheckStudyAccess")))
                .andExpect(jsonPath("$.incidents[0].message").value("archive unreachable"))
                .andExpect(jsonPath("$.incidents[0].stepName").value("Check study access"))
                .andExpect(jsonPath("$.incidents[0].summary").value("The archive did not answer."))
                .andExpect(jsonPath("$.incidents[0].retriesLeft").value(0))
                // The history by step name in start order: the start event, the gateway, the failing task.
                .andExpect(jsonPath("$.history[*].name").value(org.hamcrest.Matchers.contains(
                        "Project copy requested", "Study and patient chosen on the lookup?", "Check study access")))
                .andExpect(jsonPath("$.history[0].state").value("COMPLETED"))
                .andExpect(jsonPath("$.history[0].endedAt").isNotEmpty())
                .andExpect(jsonPath("$.history[2].state").value("ACTIVE"))
                .andExpect(jsonPath("$.history[2].incident").value(true))
                .andExpect(jsonPath("$.requests[0].state").value("OPEN"))
                .andExpect(jsonPath("$.variables.studyId").value(DemoStudyData.RT_HN_2026));
        mvc.perform(get("/api/processes/" + instance + "/xml").with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("CheckStudyAccess")));

        // Researchers have no process view; the retry is the coordinator's.
        mvc.perform(get("/api/processes/" + instance).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/processes/" + instance + "/incidents/" + incident.key() + "/retry")
                .with(user(DemoStudyData.COORDINATOR)).with(csrf())).andExpect(status().isNoContent());
        assertThat(instances.get(instance).orElseThrow().incidents()).isEmpty();
    }

    /**
     * Still at the access check, the request holds no copy and cannot take the cancel message yet: the engine
     * cancels the instance and the request is closed as cancelled, audited with the coordinator and the reason.
     */
    @Test
    void coordinatorCancelsAnInstanceAtTheAccessCheckWithAReason() throws Exception {
        long instance = startedByEdit();
        String cancel = "/api/processes/" + instance + "/cancel";
        mvc.perform(post(cancel).with(user(DemoStudyData.COORDINATOR)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"reason\": \"  \"}"))
                .andExpect(status().isBadRequest());
        mvc.perform(post(cancel).with(user(DemoStudyData.RESEARCHER)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"reason\": \"mine\"}"))
                .andExpect(status().isForbidden());
        assertThat(instances.get(instance).orElseThrow().instance().state()).isEqualTo("ACTIVE");

        mvc.perform(post(cancel).with(user(DemoStudyData.COORDINATOR)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"reason\": \"Duplicate of another request\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("cancelled"));

        assertThat(await(() -> instances.get(instance).filter(d -> !"ACTIVE".equals(d.instance().state()))
                .orElse(null)).instance().state()).isEqualTo("TERMINATED");
        assertThat(studies.requestsOf(instance)).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(RequestOutcome.CANCELLED);
            assertThat(r.cancellation().by()).isEqualTo(DemoStudyData.COORDINATOR);
        });
        assertThat(studies.auditFor(DemoStudyData.COORDINATOR, 0, 20).events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(ProcessController.PROCESS_CANCELLED);
            assertThat(e.detail()).contains(Long.toString(instance), "Duplicate of another request");
        });
        mvc.perform(post(cancel).with(user(DemoStudyData.COORDINATOR)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"reason\": \"again\"}"))
                .andExpect(status().isConflict());
    }

    /** Once the request is open to cancelling, the process's own cancel path empties the holding copy. */
    @Test
    void cancellingAnInstanceWithAnOpenRequestTakesTheProcesssCancelPath() throws Exception {
        long instance = startedByEdit();
        ActivatedJob job = await(() -> camunda.newActivateJobsCommand()
                .jobType(ProcessDefinition.JobTypes.CHECK_ACCESS).maxJobsToActivate(100)
                .timeout(Duration.ofSeconds(1)).send().join().getJobs().stream()
                .filter(j -> j.getProcessInstanceKey() == instance).findFirst().orElse(null));
        camunda.newCompleteCommand(job.getKey()).variables(Map.of("studyName", "Adaptive RT",
                "enrolledSubjects", java.util.List.of(), "cancelKey", Long.toString(instance))).send().join();
        await(() -> instances.get(instance).filter(d -> d.activeElements()
                .contains(ProcessDefinition.Elements.REQUEST_OPEN)).orElse(null));

        mvc.perform(post("/api/processes/" + instance + "/cancel").with(user(DemoStudyData.COORDINATOR)).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content("{\"reason\": \"Wrong patient\"}"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.state").value("cancelling"))
                .andExpect(jsonPath("$.requestId").isNumber());

        assertThat(await(() -> instances.get(instance).filter(d -> d.activeElements()
                .contains(ProcessDefinition.Elements.CLEAR_HOLDING_CANCELLED)).orElse(null)).variables())
                .containsEntry(ProcessDefinition.Variables.CANCEL_REASON, "Wrong patient")
                .containsEntry(ProcessDefinition.Variables.CANCELLED_BY, DemoStudyData.COORDINATOR);
        assertThat(studies.auditFor(DemoStudyData.COORDINATOR, 0, 20).events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(CancelController.CANCEL_REQUESTED);
            assertThat(e.detail()).contains(Long.toString(instance), "Wrong patient");
        });
    }

    /** A job's failure reads as the tasks page words it; an incident of the engine itself by its kind. */
    @Test
    void incidentsSayInWordsWhatWentWrongAndKeepTheTechnicalMessage() {
        java.time.Instant at = java.time.Instant.parse("2026-12-02T08:00:00Z");
        ProcessController.IncidentView job = ProcessController.IncidentView.of(new ProcessInstances.Incident(1,
                "StageSeries", 3L, "JOB_NO_RETRIES", "staging series CT 'Planning CT' (1.2.3.4.5) from node 'study0' to"
                + " node 'holding' failed: Connection refused (no retries left)", 7L, at, 0), "Stage series");
        assertThat(job.summary()).isEqualTo("Series CT 'Planning CT': The archive did not answer.");
        assertThat(job.message()).contains("Connection refused", "1.2.3.4.5");
        assertThat(job.retriesLeft()).isZero();
        ProcessController.IncidentView model = ProcessController.IncidentView.of(new ProcessInstances.Incident(2,
                "Verified", 4L, "CONDITION_ERROR", "Expected result of the expression 'verified' to be 'BOOLEAN', but was"
                + " 'NULL'.", null, at, null), null);
        assertThat(model.stepName()).isEqualTo("Verified");
        assertThat(model.summary()).startsWith("The process model could not work out a value at this step");
        assertThat(model.fromJob()).isFalse();
    }

    @Test
    void variablesNamedLikeSecretsAreNeverShown() {
        assertThat(ProcessController.withoutSecrets(Map.of("studyId", "S", "studySecret", "x", "apiToken", "y",
                "dbPassword", "z", "clientCredentials", "w"))).containsOnlyKeys("studyId");
    }

    @Test
    void aStudyTheUserDoesNotCoordinateIsRefused() throws Exception {
        mvc.perform(get("/api/processes").param("study", DemoStudyData.QOL_2025).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/processes/123456789").with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isForbidden());
    }

    @Test
    void adminSeesVersionsAndDeploysANewOne() throws Exception {
        mvc.perform(get("/api/admin/process").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].resourceName").value("create-project-specific-dicom.bpmn"));
        String xml = new ClassPathResource(ProcessDefinition.BPMN_RESOURCE).getContentAsString(StandardCharsets.UTF_8)
                .replace("name=\"Create project-specific DICOM copy\"", "name=\"Create project-specific DICOM copy (v2)\"");
        mvc.perform(post("/api/admin/process").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")).with(csrf())
                        .contentType(MediaType.APPLICATION_XML).content(xml))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.version").value(org.hamcrest.Matchers.greaterThan(1)));
        mvc.perform(post("/api/admin/process").with(user(DemoStudyData.ADMIN).roles("USER", "ADMIN")).with(csrf())
                        .contentType(MediaType.APPLICATION_XML).content(xml.replace(ProcessDefinition.PROCESS_ID, "other")))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/api/admin/process").with(user(DemoStudyData.RESEARCHER).roles("USER", "RESEARCHER"))
                        .with(csrf()).contentType(MediaType.APPLICATION_XML).content(xml))
                .andExpect(status().isForbidden());
    }

    /** Edit on the lookup: the process starts with the study fixed and goes straight to the access check. */
    private long startedByEdit() throws Exception {
        String body = mvc.perform(post("/api/studies/RT-HN-2026/subjects/PID-0005/dicom-studies/"
                        + TestPatientStudies.CT_STUDY_UID + "/edit").with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        return Long.parseLong(body.replaceAll(".*\"processInstanceKey\":\"(\\d+)\".*", "$1"));
    }

    private ProcessInstances.Incident awaitIncident(long instance) throws InterruptedException {
        return await(() -> instances.get(instance).flatMap(d -> d.incidents().stream().findFirst()).orElse(null));
    }

    private static <T> T await(java.util.function.Supplier<T> probe) {
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(10), probe, () -> "timed out");
    }
}
