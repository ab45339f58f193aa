package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.dicomstage.testing.CamundaRestStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link CamundaRestUserTasks} and the job workers send to the orchestration cluster over REST, and what they
 * make of its answers, checked against Camunda's 8.8 OpenAPI spec by {@link CamundaRestStub}. The client is the
 * real one with its default transport (REST preferred).
 */
class CamundaRestUserTasksContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STUDY = "RT-HN-2026";
    private static final long INSTANCE = 2251799813685249L;
    private static final long FORM_KEY = 2251799813685260L;

    private CamundaRestStub stub;
    private CamundaClient client;
    private CamundaRestUserTasks tasks;

    @BeforeEach
    void start() {
        stub = new CamundaRestStub();
        client = stub.client();
        tasks = new CamundaRestUserTasks(client);
        stub.on("GET", "/user-tasks/\\d+/form", 200, """
                {"formKey": "%d", "formId": "pick-series", "schema": "{}", "version": 1, "tenantId": "<default>"}"""
                .formatted(FORM_KEY));
    }

    @AfterEach
    void stop() {
        client.close();
        stub.close();
    }

    @Test
    void tasksOfTheUsersStudiesAreFoundByTheClusterAndPagedThroughToTheEnd() throws Exception {
        List<String> firstPage = IntStream.rangeClosed(1, CamundaRestUserTasks.PAGE_SIZE)
                .mapToObj(i -> task(1000 + i)).toList();
        stub.on("POST", "/user-tasks/search", 200,
                page(firstPage, "WzEwMDBd"), page(List.of(task(2001)), "WzIwMDFd"),
                // the requester's own tasks: one of the study's again, and one before Activate study
                page(List.of(task(2001), task(3001)), "WzMwMDFd"));
        stub.on("POST", "/user-tasks/\\d+/variables/search", 200, variables(Map.of("studyId", "\"" + STUDY + "\"")));

        List<UserTask> found = tasks.openFor(Set.of(STUDY), "researcher");

        assertThat(stub.violations()).isEmpty();
        assertThat(found).hasSize(CamundaRestUserTasks.PAGE_SIZE + 2);
        assertThat(found).extracting(UserTask::formId).containsOnly("pick-series");
        List<CamundaRestStub.Exchange> searches = stub.exchanges("POST", "/user-tasks/search");
        assertThat(searches).hasSize(3);
        JsonNode byStudy = JSON.readTree(searches.get(0).body());
        assertThat(byStudy.at("/filter/processInstanceVariables/0/name").asText()).isEqualTo("studyId");
        assertThat(byStudy.at("/filter/processInstanceVariables/0/value/$in/0").asText())
                .isEqualTo("\"" + STUDY + "\"");
        assertThat(byStudy.at("/filter/state").toString()).contains("CREATED");
        assertThat(JSON.readTree(searches.get(1).body()).at("/page/after").asText()).isEqualTo("WzEwMDBd");
        JsonNode byRequester = JSON.readTree(searches.get(2).body());
        assertThat(byRequester.at("/filter/processInstanceVariables/0/name").asText()).isEqualTo("requestedBy");
        assertThat(stub.exchanges("POST", "/user-tasks/\\d+/variables/search"))
                .allSatisfy(e -> assertThat(e.query()).contains("truncateValues=false"));
        assertThat(stub.exchanges("GET", "/user-tasks/\\d+/form")).as("form ids are cached per form key")
                .hasSize(1);
    }

    @Test
    void aListOverEightKilobytesReachesTheFormWhole() throws Exception {
        List<Map<String, String>> series = IntStream.range(0, 400)
                .mapToObj(i -> Map.of("seriesInstanceUid", "1.2.826.0.1.3680043.2.1125." + i, "label", "CT " + i))
                .toList();
        String value = JSON.writeValueAsString(series);
        assertThat(value.length()).isGreaterThan(8191);
        stub.on("POST", "/user-tasks/search", 200, page(List.of(task(7)), null));
        stub.on("POST", "/user-tasks/7/variables/search", 200, variables(Map.of("availableSeries", value)));

        UserTask task = tasks.get(7).orElseThrow();

        assertThat(stub.violations()).isEmpty();
        assertThat((List<?>) task.variables().get("availableSeries")).hasSize(400);
        assertThat(stub.exchanges("POST", "/user-tasks/7/variables/search").getFirst().query())
                .contains("truncateValues=false");
    }

    @Test
    void aValueThatComesBackTruncatedIsAnErrorNamingItNotAnEmptyForm() {
        stub.on("POST", "/user-tasks/search", 200, page(List.of(task(7)), null));
        stub.on("POST", "/user-tasks/7/variables/search", 200, """
                {"items": [{"name": "availableSeries", "value": "[{\\"label\\": \\"CT", "isTruncated": true,
                  "variableKey": "1", "scopeKey": "%d", "processInstanceKey": "%d", "tenantId": "<default>"}],
                 "page": {"totalItems": 1}}""".formatted(INSTANCE, INSTANCE));

        assertThatThrownBy(() -> tasks.get(7)).hasMessageContaining("availableSeries")
                .hasMessageContaining("truncated");
        assertThat(stub.violations()).isEmpty();
    }

    @Test
    void claimUnclaimAndCompleteAreWhatTheSpecAccepts() throws Exception {
        stub.on("POST", "/user-tasks/7/assignment", 204);
        stub.on("DELETE", "/user-tasks/7/assignee", 204);
        stub.on("POST", "/user-tasks/7/completion", 204);

        tasks.claim(7, "researcher");
        tasks.unclaim(7);
        tasks.complete(7, Map.of("selectedSeries", List.of("1.2.3"), "confirmed", true));

        assertThat(stub.violations()).isEmpty();
        JsonNode claim = JSON.readTree(stub.exchanges("POST", "/user-tasks/7/assignment").getFirst().body());
        assertThat(claim.path("assignee").asText()).isEqualTo("researcher");
        assertThat(claim.path("allowOverride").asBoolean(true)).isFalse();
        JsonNode completion = JSON.readTree(stub.exchanges("POST", "/user-tasks/7/completion").getFirst().body());
        assertThat(completion.at("/variables/selectedSeries/0").asText()).isEqualTo("1.2.3");
    }

    @Test
    void aRefusedClaimIsReportedAsRejected() {
        stub.on("POST", "/user-tasks/7/assignment", 409, """
                {"type": "about:blank", "title": "INVALID_STATE", "status": 409,
                 "detail": "the task is assigned to someone else", "instance": "/v2/user-tasks/7/assignment"}""");

        assertThatThrownBy(() -> tasks.claim(7, "researcher")).isInstanceOf(UserTasks.RejectedException.class)
                .hasMessageContaining("claim of user task 7 refused");
    }

    /** The commands the job workers send (activation, completion, failure with backoff, BPMN error) over REST. */
    @Test
    void jobCommandsOfTheWorkersAreWhatTheSpecAccepts() throws Exception {
        stub.on("POST", "/jobs/activation", 200, """
                {"jobs": [{"type": "check-access", "processDefinitionId": "create-project-specific-dicom",
                  "processDefinitionVersion": 1, "elementId": "check-access", "customHeaders": {},
                  "worker": "dicomstage", "retries": 3, "deadline": 1767000000000,
                  "variables": {"studyId": "RT-HN-2026", "requestedBy": "researcher"}, "tenantId": "<default>",
                  "jobKey": "11", "processInstanceKey": "%d", "processDefinitionKey": "5",
                  "elementInstanceKey": "12", "kind": "BPMN_ELEMENT", "listenerEventType": "UNSPECIFIED"}]}"""
                .formatted(INSTANCE));
        stub.on("POST", "/jobs/11/completion", 204);
        stub.on("POST", "/jobs/11/failure", 204);
        stub.on("POST", "/jobs/11/error", 204);

        List<ActivatedJob> jobs = client.newActivateJobsCommand().jobType("check-access").maxJobsToActivate(8)
                .workerName("dicomstage").timeout(Duration.ofMinutes(5))
                .fetchVariables(List.of("studyId", "requestedBy")).send().join().getJobs();
        client.newCompleteCommand(jobs.getFirst()).variables(Map.of("accessGranted", true)).send().join();
        client.newFailCommand(11).retries(2).retryBackoff(Duration.ofSeconds(5))
                .errorMessage("Study0 unreachable").send().join();
        client.newThrowErrorCommand(11).errorCode("ACCESS_DENIED").errorMessage("not a member")
                .variables(Map.of("reason", "not a member")).send().join();

        assertThat(stub.violations()).isEmpty();
        assertThat(jobs).singleElement().satisfies(job -> {
            assertThat(job.getKey()).isEqualTo(11);
            assertThat(job.getVariablesAsMap()).containsEntry("studyId", "RT-HN-2026");
        });
        assertThat(JSON.readTree(stub.exchanges("POST", "/jobs/activation").getFirst().body())
                .path("fetchVariable").size()).isEqualTo(2);
        assertThat(JSON.readTree(stub.exchanges("POST", "/jobs/11/failure").getFirst().body())
                .path("retryBackOff").asLong()).isEqualTo(5000);
    }

    /** The stub is only worth something if it fails: an answer and a request that break the spec are caught. */
    @Test
    void aDeviationFromTheSpecIsCaughtInEitherDirection() throws Exception {
        // userTaskKey must be a string key; an object is not one.
        stub.on("POST", "/user-tasks/search", 200, """
                {"items": [{"userTaskKey": {"key": 7}}], "page": {"totalItems": 1}}""");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stub.address() + "/v2/user-tasks/search"))
                        .header("Content-Type", "application/json")
                        // no such state, and a page limit that is not a number
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"filter\": {\"state\": \"OPEN\"}, \"page\": {\"limit\": \"all\"}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        List<String> violations = stub.violations();
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("request POST /v2/user-tasks/search")
                .contains("/filter/state").contains("/page"));
        assertThat(violations).anySatisfy(v -> assertThat(v).startsWith("response to POST /v2/user-tasks/search")
                .contains("userTaskKey"));
    }

    // ---- canned answers, each checked against the spec by the stub when it is sent ----

    static String task(long key) {
        return """
                {"userTaskKey": "%d", "processInstanceKey": "%d", "processDefinitionId": "%s",
                 "processDefinitionKey": "5", "elementId": "Activity_PickSeries", "elementInstanceKey": "%d",
                 "name": "Pick series", "state": "CREATED", "candidateUsers": [],
                 "candidateGroups": [], "formKey": "%d", "tenantId": "<default>", "priority": 50,
                 "processDefinitionVersion": 1, "customHeaders": {},
                 "creationDate": "2026-12-02T08:00:00.000Z"}""".formatted(key, INSTANCE,
                ProcessDefinition.PROCESS_ID, key + 1, FORM_KEY);
    }

    static String page(List<String> items, String endCursor) {
        return "{\"items\": [" + String.join(",", items) + "], \"page\": {\"totalItems\": " + items.size()
                + (endCursor == null ? "" : ", \"startCursor\": \"WzFd\", \"endCursor\": \"" + endCursor + "\"")
                + "}}";
    }

    static String variables(Map<String, String> jsonValues) throws Exception {
        List<String> items = new ArrayList<>();
        long key = 100;
        for (Map.Entry<String, String> v : jsonValues.entrySet()) {
            items.add("{\"name\": " + JSON.writeValueAsString(v.getKey()) + ", \"value\": "
                    + JSON.writeValueAsString(v.getValue()) + ", \"isTruncated\": false, \"variableKey\": \""
                    + key++ + "\", \"scopeKey\": \"" + INSTANCE + "\", \"processInstanceKey\": \"" + INSTANCE
                    + "\", \"tenantId\": \"<default>\"}");
        }
        return "{\"items\": [" + String.join(",", items) + "], \"page\": {\"totalItems\": " + items.size() + "}}";
    }
}
