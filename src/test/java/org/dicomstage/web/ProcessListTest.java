package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The coordinator's process list (issue 14 §2): a coordinator sees the instances of their own studies only, found
 * by the engine's search and paged there, so a quiet study's instance is not pushed out by a busy study's newer
 * ones (the list once took the newest 200 of all studies and filtered them afterwards).
 */
@WebUiTest
@AutoConfigureMockMvc
class ProcessListTest {

    /** Coordinator of QOL-2025 (study A) only; RT-HN-2026 (study B) is the demo coordinator's. */
    private static final String QUIET_COORDINATOR = "quinn";
    private static final int BUSY = 201;

    @Autowired
    MockMvc mvc;
    @Autowired
    CamundaClient camunda;
    @Autowired
    JdbcTemplate db;
    @Autowired
    StudyService studies;
    @Autowired
    ObjectMapper json;

    @Test
    void aQuietStudysCoordinatorSeesItsOneInstanceAndNoneOfABusyStudysNewerOnes() throws Exception {
        coordinatorOfQol2025();
        // The next whole second, and wait for it: an instance another test started in this second stays out.
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), before).toMillis() + 5));
        long quiet = start(DemoStudyData.QOL_2025, "QOL-007");
        Set<Long> busy = new HashSet<>();
        for (int i = 0; i < BUSY; i++) {
            busy.add(start(DemoStudyData.RT_HN_2026, i == 0 ? "HN-021" : "HN-020"));
        }
        // Ended, so they wait for nobody; still newer instances of B than A's one.
        busy.forEach(key -> camunda.newCancelInstanceCommand(key).send().join());
        // One of them owns a staging request: its row links to it, the others to none.
        long withRequest = busy.iterator().next();
        long requestId = studies.createStagingRequest(new org.dicomstage.study.NewStagingRequest(
                DemoStudyData.RESEARCHER, DemoStudyData.RT_HN_2026, DemoStudyData.pid(20),
                "1.2.826.0.1.3680043.10.9.20." + System.nanoTime()));
        assertThat(studies.bindProcess(requestId, withRequest)).isTrue();

        // A's coordinator: exactly A's one instance, even asked for 200 at once, newest first.
        JsonNode quietList = list(QUIET_COORDINATOR, Map.of("size", "200"));
        assertThat(quietList.path("total").asLong()).isEqualTo(1);
        assertThat(keys(quietList)).containsExactly(quiet);
        assertThat(quietList.at("/items/0/studyId").asText()).isEqualTo(DemoStudyData.QOL_2025);
        assertThat(quietList.at("/items/0/subjectId").asText()).isEqualTo("QOL-007");
        assertThat(quietList.at("/items/0/state").asText()).isEqualTo("ACTIVE");
        assertThat(quietList.at("/items/0/endedAt").isNull()).isTrue();
        assertThat(keys(list(QUIET_COORDINATOR, Map.of("subject", "QOL-007")))).containsExactly(quiet);
        assertThat(keys(list(QUIET_COORDINATOR, Map.of("state", "TERMINATED")))).isEmpty();
        assertThat(list(QUIET_COORDINATOR, Map.of("incidents", "true")).path("total").asLong()).isZero();
        // Asking for B by name is refused, and audited.
        mvc.perform(get("/api/processes").param("study", DemoStudyData.RT_HN_2026).with(user(QUIET_COORDINATOR)))
                .andExpect(status().isForbidden());
        assertThat(studies.auditFor(QUIET_COORDINATOR, 0, 1).events().getFirst().action())
                .isEqualTo(AuditActions.ACCESS_DENIED);

        // B's coordinator pages through all of B's instances, 50 at a time, and never meets A's.
        List<Long> seen = new ArrayList<>();
        Map<Long, String> requestColumn = new java.util.HashMap<>();
        long total = -1;
        for (int page = 0; total < 0 || (long) page * 50 < total; page++) {
            JsonNode p = list(DemoStudyData.COORDINATOR, Map.of("page", Integer.toString(page),
                    "startedFrom", before.toString()));
            total = p.path("total").asLong();
            assertThat(p.path("items").size()).isLessThanOrEqualTo(50);
            seen.addAll(keys(p));
            p.path("items").forEach(row -> requestColumn.put(Long.parseLong(row.path("key").asText()),
                    row.path("requestId").asText()));
        }
        assertThat(requestColumn.get(withRequest)).isEqualTo(Long.toString(requestId));
        assertThat(requestColumn.entrySet()).filteredOn(e -> e.getKey() != withRequest)
                .allSatisfy(e -> assertThat(e.getValue()).isEqualTo("null"));
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates().containsAll(busy).doesNotContain(quiet);
        JsonNode terminated = list(DemoStudyData.COORDINATOR, Map.of("state", "TERMINATED", "size", "200",
                "startedFrom", before.toString()));
        assertThat(terminated.path("total").asLong()).isGreaterThanOrEqualTo(BUSY);
        assertThat(terminated.at("/items/0/endedAt").isNull()).isFalse();
        // The subject is matched whole: HN-02 is nobody, HN-021 is one instance.
        assertThat(keys(list(DemoStudyData.COORDINATOR, Map.of("subject", "HN-02", "startedFrom", before.toString()))))
                .isEmpty();
        assertThat(list(DemoStudyData.COORDINATOR, Map.of("subject", "HN-021", "startedFrom", before.toString()))
                .path("total").asLong()).isEqualTo(1);
        // Oldest first starts with the first of B's since then; a window before it holds none of them.
        JsonNode oldest = list(DemoStudyData.COORDINATOR, Map.of("sort", "started-asc", "size", "1",
                "startedFrom", before.toString()));
        assertThat(busy).contains(keys(oldest).getFirst());
        // By end, newest first: the ended ones, before anything still running.
        JsonNode byEnd = list(DemoStudyData.COORDINATOR, Map.of("sort", "ended-desc", "size", "200",
                "startedFrom", before.toString()));
        assertThat(byEnd.at("/items/0/endedAt").isNull()).isFalse();
        assertThat(Instant.parse(byEnd.at("/items/0/endedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(byEnd.at("/items/199/endedAt").asText()));
        assertThat(keys(list(DemoStudyData.COORDINATOR, Map.of("startedBefore", before.toString(),
                "startedFrom", before.minusSeconds(60).toString(), "size", "200")))).doesNotContainAnyElementsOf(busy);
    }

    @Test
    void wrongParametersAreRefusedNamingThem() throws Exception {
        mvc.perform(get("/api/processes").param("size", "201").with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("'size' is not between 1 and 200."));
        mvc.perform(get("/api/processes").param("state", "RUNNING").with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("'state' is not ACTIVE, COMPLETED or TERMINATED."));
        mvc.perform(get("/api/processes").param("sort", "duration").with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/processes").param("startedFrom", "yesterday").with(user(DemoStudyData.COORDINATOR)))
                .andExpect(status().isBadRequest());
    }

    private JsonNode list(String username, Map<String, String> params) throws Exception {
        MockHttpServletRequestBuilder request = get("/api/processes").with(user(username));
        params.forEach(request::param);
        return json.readTree(mvc.perform(request).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString());
    }

    private static List<Long> keys(JsonNode page) {
        List<Long> keys = new ArrayList<>();
        page.path("items").forEach(row -> keys.add(Long.parseLong(row.path("key").asText())));
        return keys;
    }

    /** Started the Tasklist way for a study and subject: it waits at Activate study, a task, not a job. */
    private long start(String study, String subject) {
        return camunda.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, QUIET_COORDINATOR, Variables.STUDY_ID, study,
                        Variables.SELECTED_SUBJECT_IDS, List.of(subject)))
                .send().join().getProcessInstanceKey();
    }

    /** The demo data has no coordinator of QOL-2025: one is added (once per context) for this test. */
    private void coordinatorOfQol2025() {
        if (db.queryForObject("SELECT COUNT(*) FROM app_user WHERE username = ?", Integer.class,
                QUIET_COORDINATOR) > 0) {
            return;
        }
        db.update("INSERT INTO app_user (username, display_name, site_id) VALUES (?, 'Quinn Quiet', ?)",
                QUIET_COORDINATOR, DemoStudyData.SITE_A);
        db.update("INSERT INTO membership (study_id, username, member_role) SELECT id, ?, 'COORDINATOR' FROM study"
                + " WHERE identifier = ?", QUIET_COORDINATOR, DemoStudyData.QOL_2025);
        db.update("INSERT INTO membership_right (membership_id, right_name) SELECT id, 'LOOKUP' FROM membership"
                + " WHERE username = ?", QUIET_COORDINATOR);
    }
}
