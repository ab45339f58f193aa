package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The modeler's checks before a deployment, on the whole application (its real workers' job types and forms). */
@WebUiTest
@AutoConfigureMockMvc
class ModelerControllerTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    ProcessModelChecks checks;
    @Autowired
    ProcessInstances instances;
    @Autowired
    StudyService studies;

    private final String shipped = shipped();

    /** A deployment changes the process every later test in this cached context starts: put the shipped one back. */
    @AfterEach
    void shippedModelIsTheNewestAgain() throws Exception {
        if (!shipped.equals(instances.xml(instances.definitions().get(0).key()).orElse(""))) {
            deploy(shipped, null).andExpect(status().isOk());
        }
    }

    @Test
    void theWorkersJobTypesAndTheFormsAreReadFromTheApplication() {
        assertThat(checks.workers().keySet()).containsExactlyInAnyOrderElementsOf(ProcessDefinition.JobTypes.ALL);
        assertThat(checks.workers()).containsEntry(ProcessDefinition.JobTypes.STAGE_SERIES, "StageSeriesWorker");
        assertThat(checks.forms()).containsExactlyInAnyOrderElementsOf(ProcessDefinition.Forms.ALL);
    }

    @Test
    void theShippedModelPassesWithoutAWarning() throws Exception {
        check(shipped).andExpect(status().isOk())
                .andExpect(jsonPath("$.errors").isEmpty())
                .andExpect(jsonPath("$.warnings").isEmpty())
                .andExpect(jsonPath("$.against.version").isNumber());
    }

    @Test
    void aJobTypeNoWorkerServesIsRefusedNamingTheElement() throws Exception {
        String key = latestKey();
        String xml = shipped.replace("type=\"dicomstage.verify\"", "type=\"dicomstage.verfy\"");

        String error = deploy(xml, null).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.problems[0].elementId").value(ProcessDefinition.Elements.VERIFY_STAGED_COPY))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);

        assertThat(error).contains("Verify staged copy (VerifyStagedCopy): job type 'dicomstage.verfy' is served by"
                + " no worker of this application");
        assertThat(latestKey()).as("nothing deployed").isEqualTo(key);
        assertThat(lastAudit().action()).isEqualTo(ModelerController.PROCESS_DEPLOY_REFUSED);
        assertThat(lastAudit().detail()).contains("VerifyStagedCopy", "dicomstage.verfy");
        // The worker that lost its only task is named too, as a warning.
        check(xml).andExpect(jsonPath("$.warnings[0].message").value("no element uses job type 'dicomstage.verify',"
                + " which VerifyWorker serves: its worker would never get a job"));
    }

    @Test
    void aFormIdTheApplicationLacksIsRefused() throws Exception {
        String xml = shipped.replace("formId=\"" + ProcessDefinition.Forms.REVIEW_STAGED_COPY + "\"",
                "formId=\"dicomstage-review\"");
        assertThat(xml).isNotEqualTo(shipped);

        String error = deploy(xml, null).andExpect(status().isBadRequest())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);

        assertThat(error).contains("Review staged copy (ReviewStagedCopy): form id 'dicomstage-review' is not a form"
                + " of this application");
    }

    @Test
    void anotherProcessIdIsRefused() throws Exception {
        String error = deploy(shipped.replace("id=\"" + ProcessDefinition.PROCESS_ID + "\"", "id=\"other\""), null)
                .andExpect(status().isBadRequest())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);

        assertThat(error).contains("the model must contain process '" + ProcessDefinition.PROCESS_ID + "'",
                "only process '" + ProcessDefinition.PROCESS_ID + "' may be deployed here");
    }

    @Test
    void aDeploymentIsAuditedWithWhatItChangedAndAStaleReviewIsAConflict() throws Exception {
        String reviewed = latestKey();
        String xml = shipped.replace("type=\"dicomstage.stage-series\" retries=\"5\"",
                "type=\"dicomstage.stage-series\" retries=\"6\"");
        check(xml).andExpect(jsonPath("$.against.key").value(reviewed))
                .andExpect(jsonPath("$.changes.changed[?(@.id == 'StageSeries')].details[0]")
                        .value("zeebe:taskDefinition retries: '5' → '6'"));

        deploy(xml, reviewed).andExpect(status().isOk())
                .andExpect(jsonPath("$.changes").value(org.hamcrest.Matchers.containsString(
                        "changed Stage series (StageSeries): zeebe:taskDefinition retries: '5' → '6'")));

        AuditEventView audit = lastAudit();
        assertThat(audit.action()).isEqualTo(ModelerController.PROCESS_DEPLOYED);
        assertThat(audit.username()).isEqualTo(DemoStudyData.ADMIN);
        assertThat(audit.detail()).contains("changed Stage series (StageSeries): zeebe:taskDefinition retries:"
                + " '5' → '6'");
        // Reviewed against a version that is no longer the newest: the admin has not seen what changed since.
        deploy(shipped, reviewed).andExpect(status().isConflict())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.containsString("Review them again")));
    }

    private ResultActions check(String xml) throws Exception {
        return mvc.perform(post("/api/admin/process/check").with(admin()).with(csrf())
                .contentType(MediaType.APPLICATION_XML).content(xml));
    }

    private ResultActions deploy(String xml, String against) throws Exception {
        var request = post("/api/admin/process").with(admin()).with(csrf())
                .contentType(MediaType.APPLICATION_XML).content(xml);
        return mvc.perform(against == null ? request : request.param("against", against));
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor admin() {
        return user(DemoStudyData.ADMIN).roles("USER", "ADMIN");
    }

    private String latestKey() {
        return Long.toString(instances.definitions().get(0).key());
    }

    private AuditEventView lastAudit() {
        return studies.auditFor(DemoStudyData.ADMIN, 0, 1).events().get(0);
    }

    private static String shipped() {
        try {
            return new ClassPathResource(ProcessDefinition.BPMN_RESOURCE).getContentAsString(StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
