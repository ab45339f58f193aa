package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.StudyService;
import org.dicomstage.testing.Poll;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * The cancel button's API and the tasks page's view of a process: who may cancel, what a second cancel and a cancel
 * of a closed request answer. Workers are off here: the test does check-access's part by hand, and the cancel
 * path's two steps as their workers would.
 */
@WebUiTest
@AutoConfigureMockMvc
class CancelControllerTest {

    private static final String STUDY_UID = "1.2.826.0.1.3680043.10.9.12";

    @Autowired
    MockMvc mvc;
    @Autowired
    StudyService studies;
    @Autowired
    CamundaClient camunda;
    @Autowired
    ProcessInstances instances;

    @Test
    void theRequesterCancelsTheirOwnRequestOnceOthersAreRefusedAndAClosedOneIsAnsweredWithHowItEnded()
            throws Exception {
        Started started = editAndPassAccessCheck(DemoStudyData.RESEARCHER, 12);
        mvc.perform(get("/api/journeys/" + started.key()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.canCancel").value(true))
                .andExpect(jsonPath("$.cancelRequestId").value(started.requestId()))
                .andExpect(jsonPath("$.phase").value("Looking up the patient's series in Study0"));

        // Not a member of the study: the same words as for a request that does not exist.
        cancel(DemoStudyData.OUTSIDER, started.requestId(), "not mine")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("There is no staging request " + started.requestId()
                        + " in the studies you may look up."));
        mvc.perform(get("/api/journeys/" + started.key()).with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden());
        cancel(DemoStudyData.RESEARCHER, started.requestId(), "  ")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Give a reason for cancelling."));

        cancel(DemoStudyData.RESEARCHER, started.requestId(), "wrong Study0 study")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.state").value("cancelling"))
                .andExpect(jsonPath("$.message").value(startsWith("Cancelling request #" + started.requestId())));
        awaitActive(started.key(), Elements.CLEAR_HOLDING_CANCELLED);
        assertThat(studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 50).events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(CancelController.CANCEL_REQUESTED);
            assertThat(e.username()).isEqualTo(DemoStudyData.RESEARCHER);
            assertThat(e.detail()).contains("request " + started.requestId(), "wrong Study0 study");
        });
        // Twice is once: the process is already on its cancel path and nothing else starts.
        cancel(DemoStudyData.RESEARCHER, started.requestId(), "double click")
                .andExpect(status().isAccepted()).andExpect(jsonPath("$.state").value("cancelling"));
        mvc.perform(get("/api/journeys/" + started.key()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(jsonPath("$.phase").value("Cancelling: emptying the holding copy"))
                .andExpect(jsonPath("$.canCancel").value(false));

        // The cancel path's two workers: record the cancel and empty the holding copy, then close the request.
        ActivatedJob clear = job(started.key(), JobTypes.CLEAR_HOLDING);
        assertThat(clear.getVariablesAsMap()).containsEntry(Variables.CANCEL_REASON, "wrong Study0 study")
                .containsEntry(Variables.CANCELLED_BY, DemoStudyData.RESEARCHER);
        studies.cancelRequestsOf(started.key(), DemoStudyData.RESEARCHER, "wrong Study0 study");
        camunda.newCompleteCommand(clear.getKey()).send().join();
        studies.closeRequestsOf(started.key(), RequestOutcome.CANCELLED);
        camunda.newCompleteCommand(job(started.key(), JobTypes.CLOSE_REQUEST).getKey()).send().join();

        cancel(DemoStudyData.RESEARCHER, started.requestId(), "again")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("cancelled"))
                .andExpect(jsonPath("$.message").value(containsString("was already cancelled at ")))
                .andExpect(jsonPath("$.message").value(containsString(" by researcher.")));
        Poll.until(Duration.ofSeconds(15), () -> instances.get(started.key())
                .filter(d -> "COMPLETED".equals(d.instance().state())).orElse(null), () -> "not completed");
        mvc.perform(get("/api/journeys/" + started.key()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(jsonPath("$.end.outcome").value("CANCELLED"))
                .andExpect(jsonPath("$.end.headline").value(containsString("“wrong Study0 study”")))
                .andExpect(jsonPath("$.end.link").value("/requests.html?request=" + started.requestId()))
                .andExpect(jsonPath("$.canCancel").value(false));
        mvc.perform(get("/api/requests/" + started.requestId()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(jsonPath("$.outcome").value("CANCELLED"))
                .andExpect(jsonPath("$.cancellation.by").value(DemoStudyData.RESEARCHER))
                .andExpect(jsonPath("$.cancellation.reason").value("wrong Study0 study"));
    }

    @Test
    void someoneElsesRequestIsRefusedInWordsACoordinatorMayCancelItAndAnAcceptedOneIsAlreadyClosed()
            throws Exception {
        // The admin (all rights in RT-HN-2026) made this request; the researcher is a member, but not its requester.
        Started admins = editAndPassAccessCheck(DemoStudyData.ADMIN, 13);
        cancel(DemoStudyData.RESEARCHER, admins.requestId(), "not needed")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error").value("Only admin, who made request #" + admins.requestId()
                        + ", or a coordinator of RT-HN-2026 can cancel it."));
        mvc.perform(get("/api/journeys/" + admins.key()).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.canCancel").value(false));
        cancel(DemoStudyData.COORDINATOR, admins.requestId(), "duplicate of another request")
                .andExpect(status().isAccepted());
        awaitActive(admins.key(), Elements.CLEAR_HOLDING_CANCELLED);
        camunda.newCancelInstanceCommand(admins.key()).send().join();
        studies.closeRequestsOf(admins.key(), RequestOutcome.CANCELLED);

        Started accepted = editAndPassAccessCheck(DemoStudyData.RESEARCHER, 14);
        // What the close task of the accepted end does.
        studies.closeRequest(accepted.requestId(), RequestOutcome.ACCEPTED);
        cancel(DemoStudyData.RESEARCHER, accepted.requestId(), "too late")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.matchesPattern("Request #"
                        + accepted.requestId() + " is already closed: accepted at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.")));
        camunda.newCancelInstanceCommand(accepted.key()).send().join();
    }

    private record Started(long key, long requestId) {
    }

    /** Edit on the lookup for subject n, then check-access's part: the process is inside the cancellable part. */
    private Started editAndPassAccessCheck(String user, int subject) throws Exception {
        String body = mvc.perform(post("/api/studies/RT-HN-2026/subjects/" + DemoStudyData.pid(subject)
                        + "/dicom-studies/" + STUDY_UID + "." + subject + "/edit").with(user(user)).with(csrf()))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        long key = Long.parseLong(JsonPath.parse(body).read("$.processInstanceKey", String.class));
        long requestId = JsonPath.parse(body).read("$.requestId", Long.class);
        ActivatedJob check = job(key, JobTypes.CHECK_ACCESS);
        camunda.newCompleteCommand(check.getKey()).variables(Map.of(Variables.STUDY_NAME, "Adaptive RT",
                Variables.ENROLLED_SUBJECTS, List.of(), Variables.CANCEL_KEY, Long.toString(key))).send().join();
        awaitActive(key, Elements.QUERY_STUDY0);
        return new Started(key, requestId);
    }

    private ResultActions cancel(String user, long requestId, String reason) throws Exception {
        return mvc.perform(post("/api/requests/" + requestId + "/cancel").with(user(user)).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content("{\"reason\":\"" + reason + "\"}"));
    }

    private ActivatedJob job(long key, String type) {
        return Poll.until(Duration.ofSeconds(15), () -> camunda.newActivateJobsCommand().jobType(type)
                .maxJobsToActivate(10).timeout(Duration.ofSeconds(30)).send().join().getJobs().stream()
                .filter(j -> j.getProcessInstanceKey() == key).findFirst().orElse(null), () -> "no " + type + " job");
    }

    private void awaitActive(long key, String element) {
        Poll.until(Duration.ofSeconds(15), () -> instances.get(key)
                .filter(d -> d.activeElements().contains(element)).orElse(null), () -> element + " not active");
    }
}
