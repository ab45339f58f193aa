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
