package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.camunda.client.CamundaClient;
import java.util.List;
import java.util.Map;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.SeriesSelection;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.SeriesTexts;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/** The staging progress API, with the request registered as the workers would register it. */
@WebUiTest
@AutoConfigureMockMvc
class StagingProgressTest {

    private static final String STUDY_UID = "1.2.826.0.1.3680043.10.9.7";

    @Autowired
    MockMvc mvc;
    @Autowired
    StudyService studies;
    @Autowired
    CamundaClient camunda;
    @Autowired
    ProcessInstances instances;

    @Test
    void membersFollowARequestSeriesBySeriesWithTheVerificationReportAndEditResumesIt() throws Exception {
        long instance = camunda.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of("requestedBy", DemoStudyData.RESEARCHER, "studyId", DemoStudyData.RT_HN_2026))
                .send().join().getProcessInstanceKey();
        long id = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, DemoStudyData.pid(7), STUDY_UID));
        studies.setProcessInstanceKey(id, instance);
        studies.addSeries(id, List.of(new SeriesSelection(STUDY_UID, STUDY_UID + ".1", "CT", "Planning CT", 120)),
                List.of(new SeriesSelection(STUDY_UID, STUDY_UID + ".2", "RTSTRUCT", "Contours", 1)));
        studies.markSeries(id, STUDY_UID + ".1", SeriesStatus.VERIFIED, 120, null, "2.25.1");
        camunda.newSetVariablesCommand(instance).variables(Map.of("verified", false, "verificationReport",
                List.of(Map.of("seriesDescription", "Planning CT", "expectedInstances", 120, "stagedInstances", 120,
                        "checks", "counts, UIDs, pixels", "result", "OK")))).send().join();

        mvc.perform(get("/api/requests/" + id).with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.studySubjectId").value("HN-007"))
                .andExpect(jsonPath("$.series[?(@.modality == 'CT')].status").value("VERIFIED"))
                .andExpect(jsonPath("$.series[?(@.modality == 'CT')].stagedInstances").value(120))
                .andExpect(jsonPath("$.series[?(@.modality == 'RTSTRUCT')].selected").value(false));
        mvc.perform(get("/api/studies/RT-HN-2026/requests").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.id == " + id + ")].pid").value(DemoStudyData.pid(7)));
        mvc.perform(get("/api/requests/" + id + "/verification").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.verified").value(false))
                .andExpect(jsonPath("$.report[0].result").value("OK"));

        mvc.perform(get("/api/requests/" + id).with(user(DemoStudyData.OUTSIDER))).andExpect(status().isForbidden());
        mvc.perform(get("/api/requests/" + id + "/verification").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden());

        // Edit on the same Study0 study resumes the open request's process instead of starting another.
        mvc.perform(post("/api/studies/RT-HN-2026/subjects/" + DemoStudyData.pid(7) + "/dicom-studies/" + STUDY_UID
                        + "/edit").with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.resumed").value(true))
                .andExpect(jsonPath("$.processInstanceKey").value(Long.toString(instance)))
                .andExpect(jsonPath("$.requestId").value(id));

        // Once that process has been cancelled in the engine (no close task ran), Edit closes that request as
        // cancelled and starts a new one with a new process.
        camunda.newCancelInstanceCommand(instance).send().join();
        String body = mvc.perform(post("/api/studies/RT-HN-2026/subjects/" + DemoStudyData.pid(7) + "/dicom-studies/"
                        + STUDY_UID + "/edit").with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.resumed").value(false))
                .andExpect(jsonPath("$.processInstanceKey").value(org.hamcrest.Matchers.not(Long.toString(instance))))
                .andReturn().getResponse().getContentAsString();
        long next = com.jayway.jsonpath.JsonPath.parse(body).read("$.requestId", Long.class);
        assertThat(next).isNotEqualTo(id);
        assertThat(body).contains("\"processInstanceKey\":\"" + studies.stagingRequest(next).processInstanceKey()
                + "\"");
        mvc.perform(get("/api/requests/" + id).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(jsonPath("$.closedAt").isNotEmpty())
                .andExpect(jsonPath("$.outcome").value("CANCELLED"));
        assertThat(studies.stagingRequest(next).closedAt()).isNull();
    }

    @Test
    void aRequestItsProcessClosedIsNotResumedEditStartsANewOne() throws Exception {
        String study0Study = STUDY_UID + ".8";
        String edit = "/api/studies/RT-HN-2026/subjects/" + DemoStudyData.pid(8) + "/dicom-studies/" + study0Study
                + "/edit";
        String first = mvc.perform(post(edit).with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.resumed").value(false))
                .andReturn().getResponse().getContentAsString();
        long id = com.jayway.jsonpath.JsonPath.parse(first).read("$.requestId", Long.class);
        mvc.perform(post(edit).with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(jsonPath("$.resumed").value(true)).andExpect(jsonPath("$.requestId").value(id));

        // What the process's close task does when the copy is accepted.
        studies.closeRequest(id, RequestOutcome.ACCEPTED);

        mvc.perform(get("/api/requests/" + id).with(user(DemoStudyData.RESEARCHER)))
                .andExpect(jsonPath("$.closedAt").isNotEmpty())
                .andExpect(jsonPath("$.outcome").value("ACCEPTED"));
        String again = mvc.perform(post(edit).with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.resumed").value(false))
                .andReturn().getResponse().getContentAsString();
        long next = com.jayway.jsonpath.JsonPath.parse(again).read("$.requestId", Long.class);
        assertThat(next).isNotEqualTo(id);
        assertThat(studies.stagingRequest(next).closedAt()).isNull();
    }

    @Test
    void fiveEditsAtOnceOnOneStudy0StudyStartOneProcessWithOneOpenRequestAndTheOthersResumeIt() throws Exception {
        String study0Study = STUDY_UID + ".9";
        String pid = DemoStudyData.pid(9);
        String edit = "/api/studies/RT-HN-2026/subjects/" + pid + "/dicom-studies/" + study0Study + "/edit";
        java.util.concurrent.ExecutorService five = java.util.concurrent.Executors.newFixedThreadPool(5);
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(5);
        List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                answers.add(five.submit(() -> {
                    together.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    return mvc.perform(post(edit).with(user(DemoStudyData.RESEARCHER)).with(csrf()))
                            .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
                }));
            }
            java.util.Set<String> keys = new java.util.HashSet<>();
            java.util.Set<Long> requestIds = new java.util.HashSet<>();
            int started = 0;
            for (var answer : answers) {
                String body = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                var json = com.jayway.jsonpath.JsonPath.parse(body);
                keys.add(json.read("$.processInstanceKey", String.class));
                requestIds.add(json.read("$.requestId", Long.class));
                started += Boolean.TRUE.equals(json.read("$.resumed", Boolean.class)) ? 0 : 1;
            }
            assertThat(keys).as("one process for all five").hasSize(1);
            assertThat(requestIds).as("one request for all five").hasSize(1);
            assertThat(started).as("one Edit started it, four resumed it").isEqualTo(1);

            long request = requestIds.iterator().next();
            assertThat(studies.stagingRequests(DemoStudyData.RESEARCHER, DemoStudyData.RT_HN_2026)).filteredOn(
                    r -> r.pid().equals(pid) && r.closedAt() == null).extracting(r -> r.id()).containsExactly(request);
            assertThat(studies.stagingRequest(request).processInstanceKey()).hasToString(keys.iterator().next());
            // No second process is left running for the subject (one that lost the race was cancelled again).
            assertThat(instances.list()).filteredOn(i -> "ACTIVE".equals(i.state())
                    && "HN-009".equals(i.subjectId())).extracting(ProcessInstances.Instance::key)
                    .containsExactly(Long.parseLong(keys.iterator().next()));
        } finally {
            five.shutdownNow();
        }
    }

    @Test
    void membersReadEveryTextTheStagedCopyCarriesSeriesBySeriesOthersMayNot() throws Exception {
        String study0Study = STUDY_UID + ".12";
        long id = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, DemoStudyData.pid(12), study0Study));
        String ct = study0Study + ".1";
        studies.addSeries(id, List.of(new SeriesSelection(study0Study, ct, "CT", "Planning CT", 3)), List.of());
        studies.markSeries(id, ct, SeriesStatus.STAGED, 3, null, "2.25.12", new SeriesTexts(
                List.of(new SeriesTexts.KeptDescriptor("StudyDescription", "HEAD NECK PLANNING <b>bold</b>")),
                List.of("SOP instance 2.25.3: ImageComments (0020,4000) replaced by a dummy value: undecodable"),
                List.of("(0019,0010)")));

        mvc.perform(get("/api/requests/" + id + "/texts").with(user(DemoStudyData.RESEARCHER)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$['" + ct + "'].keptDescriptors[0].keyword").value("StudyDescription"))
                .andExpect(jsonPath("$['" + ct + "'].keptDescriptors[0].value").value("HEAD NECK PLANNING <b>bold</b>"))
                .andExpect(jsonPath("$['" + ct + "'].cleaningNotes[0]").value(org.hamcrest.Matchers.startsWith(
                        "SOP instance 2.25.3: ImageComments")))
                .andExpect(jsonPath("$['" + ct + "'].unknownAttributesRemoved[0]").value("(0019,0010)"));
        mvc.perform(get("/api/requests/" + id + "/texts").with(user(DemoStudyData.OUTSIDER)))
                .andExpect(status().isForbidden());
    }
}
