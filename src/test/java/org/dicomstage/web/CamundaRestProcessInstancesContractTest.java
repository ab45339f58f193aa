package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.DeploymentEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.dicomstage.testing.CamundaRestStub;
import org.dicomstage.workflow.ProcessDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the process view, the Requests page, Edit, retry and the modeler send to the orchestration cluster over
 * REST, and what they make of its answers, checked against Camunda's 8.8 OpenAPI spec by {@link CamundaRestStub}.
 * The client is the real one with its default transport (REST preferred).
 */
class CamundaRestProcessInstancesContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STUDY = "RT-HN-2026";
    private static final long INSTANCE = 2251799813685249L;

    private CamundaRestStub stub;
    private CamundaClient client;
    private CamundaRestProcessInstances instances;

    @BeforeEach
    void start() {
        stub = new CamundaRestStub();
        client = stub.client();
        instances = new CamundaRestProcessInstances(client);
    }

    @AfterEach
    void stop() {
        client.close();
        stub.close();
    }

    @Test
    void theStudiesInstancesAreFilteredByTheClusterAndPagedThroughToTheEnd() throws Exception {
        List<String> firstPage = IntStream.range(0, CamundaRestProcessInstances.PAGE_SIZE)
                .mapToObj(i -> instance(INSTANCE + i)).toList();
        stub.on("POST", "/process-instances/search", 200, page(firstPage, "WzEwMF0="),
                page(List.of(instance(INSTANCE + 500)), "WzUwMF0="));
        stub.on("POST", "/variables/search", 200, variables(Map.of("studyId", "\"" + STUDY + "\"",
                "requestedBy", "\"researcher\"")));

        List<ProcessInstances.Instance> found = instances.list(Set.of(STUDY));

        assertThat(stub.violations()).isEmpty();
        assertThat(found).hasSize(CamundaRestProcessInstances.PAGE_SIZE + 1)
                .allSatisfy(i -> assertThat(i.studyId()).isEqualTo(STUDY));
        List<CamundaRestStub.Exchange> searches = stub.exchanges("POST", "/process-instances/search");
        JsonNode first = JSON.readTree(searches.get(0).body());
        assertThat(first.at("/filter/variables/0/name").asText()).isEqualTo("studyId");
        assertThat(first.at("/filter/variables/0/value/$in/0").asText()).isEqualTo("\"" + STUDY + "\"");
        assertThat(JSON.readTree(searches.get(1).body()).at("/page/after").asText()).isEqualTo("WzEwMF0=");
        JsonNode rowVariables = JSON.readTree(stub.exchanges("POST", "/variables/search").getFirst().body());
        assertThat(rowVariables.at("/filter/name").toString()).contains("studyId").doesNotContain("verification");
        assertThat(stub.exchanges("POST", "/variables/search"))
                .allSatisfy(e -> assertThat(e.query()).contains("truncateValues=false"));
    }

    /**
     * The process list's filters, order and page all go to the cluster, which counts the matches; the rows' variables
     * come in one search for the whole page.
     */
    @Test
    void theProcessListIsFilteredSortedAndPagedByTheCluster() throws Exception {
        stub.on("POST", "/process-instances/search", 200, """
                {"items": [%s, %s], "page": {"totalItems": 312, "hasMoreTotalItems": false,
                 "startCursor": "WzFd", "endCursor": "WzJd"}}""".formatted(instance(INSTANCE), instance(INSTANCE + 1)));
        stub.on("POST", "/variables/search", 200, variables(Map.of("studyId", "\"" + STUDY + "\"",
                "selectedSubjectIds", "[\"HN-005\"]", "requestedBy", "\"researcher\"")));
        ProcessInstances.Query query = new ProcessInstances.Query(Set.of(STUDY, "QOL-2025"), "ACTIVE", true, "HN-005",
                java.time.Instant.parse("2026-11-30T23:00:00Z"), java.time.Instant.parse("2026-12-02T23:00:00Z"),
                ProcessInstances.Sort.ENDED_NEWEST, 1, 50);

        ProcessInstances.Page page = instances.page(query);

        assertThat(stub.violations()).isEmpty();
        assertThat(page.total()).isEqualTo(312);
        assertThat(page.totalCapped()).isFalse();
        assertThat(page.items()).extracting(ProcessInstances.Instance::key).containsExactly(INSTANCE, INSTANCE + 1);
        assertThat(page.items().getFirst().studyId()).isEqualTo(STUDY);
        assertThat(page.items().getFirst().subjectId()).isEqualTo("HN-005");
        JsonNode search = JSON.readTree(stub.exchanges("POST", "/process-instances/search").getFirst().body());
        assertThat(search.at("/filter/processDefinitionId").toString()).contains(ProcessDefinition.PROCESS_ID);
        assertThat(search.at("/filter/state").toString()).contains("ACTIVE");
        assertThat(search.at("/filter/hasIncident").asBoolean()).isTrue();
        // Days from the browser start at midnight: the bounds go with their seconds, as date-time requires.
        assertThat(search.at("/filter/startDate/$gt").asText()).isEqualTo("2026-11-30T22:59:59.999Z");
        assertThat(search.at("/filter/startDate/$lte").asText()).isEqualTo("2026-12-02T22:59:59.999Z");
        assertThat(search.at("/filter/variables/0/name").asText()).isEqualTo("studyId");
        assertThat(search.at("/filter/variables/0/value/$in").toString())
                .isEqualTo("[\"\\\"QOL-2025\\\"\",\"\\\"" + STUDY + "\\\"\"]");
        assertThat(search.at("/filter/variables/1/name").asText()).isEqualTo("selectedSubjectIds");
        assertThat(search.at("/filter/variables/1/value/$like").asText()).isEqualTo("*\"HN-005\"*");
        assertThat(search.at("/sort/0/field").asText()).isEqualTo("endDate");
        assertThat(search.at("/sort/0/order").asText()).isEqualToIgnoringCase("desc");
        assertThat(search.at("/page/from").asInt()).isEqualTo(50);
        assertThat(search.at("/page/limit").asInt()).isEqualTo(50);
        List<CamundaRestStub.Exchange> variableSearches = stub.exchanges("POST", "/variables/search");
        assertThat(variableSearches).hasSize(1);
        JsonNode rowVariables = JSON.readTree(variableSearches.getFirst().body());
        assertThat(rowVariables.at("/filter/processInstanceKey/$in").toString())
                .contains(Long.toString(INSTANCE)).contains(Long.toString(INSTANCE + 1));
        assertThat(variableSearches.getFirst().query()).contains("truncateValues=false");
    }

    /** A subject with a wildcard character in it is matched as written, not as a pattern. */
    @Test
    void aSubjectIsMatchedLiterallyInTheClustersLikePattern() {
        assertThat(CamundaRestProcessInstances.likeEscaped("\"HN*0?1\\\"")).isEqualTo("\"HN\\*0\\?1\\\\\"");
    }

    /** The Requests page shows the verification report from the instance's variables: whole, however long. */
    @Test
    void aVerificationReportOverEightKilobytesReachesTheRequestsPageWhole() throws Exception {
        List<Map<String, Object>> rows = IntStream.range(0, 120).mapToObj(i -> Map.<String, Object>of(
                "series", "1.2.826.0.1.3680043.2.1125.7." + i, "check", "pixel digests", "ok", true,
                "detail", "512 of 512 instances, every digest equal")).toList();
        String report = JSON.writeValueAsString(rows);
        assertThat(report.length()).isGreaterThan(8191);
        stub.on("POST", "/process-instances/search", 200, page(List.of(instance(INSTANCE)), null));
        stub.on("POST", "/variables/search", 200, variables(Map.of("studyId", "\"" + STUDY + "\"",
                "verified", "true", "verificationReport", report)));
        stub.on("POST", "/element-instances/search", 200, page(List.of(element("verify", "COMPLETED", 1),
                element("review-staged-copy", "ACTIVE", 2)), null));
        stub.on("POST", "/incidents/search", 200, page(List.of(), null));

        ProcessInstances.Detail detail = instances.get(INSTANCE).orElseThrow();

        assertThat(stub.violations()).isEmpty();
        assertThat((List<?>) detail.variables().get(ProcessDefinition.Variables.VERIFICATION_REPORT)).hasSize(120);
        assertThat(detail.activeElements()).containsExactly("review-staged-copy");
        assertThat(stub.exchanges("POST", "/variables/search").getFirst().query()).contains("truncateValues=false");
    }

    @Test
    void aReportThatComesBackTruncatedIsAnErrorNamingItNotAnEmptyReport() {
        stub.on("POST", "/process-instances/search", 200, page(List.of(instance(INSTANCE)), null));
        stub.on("POST", "/variables/search", 200, """
                {"items": [{"name": "verificationReport", "value": "[{\\"series\\": \\"1.2", "isTruncated": true,
                  "variableKey": "1", "scopeKey": "%d", "processInstanceKey": "%d", "tenantId": "<default>"}],
                 "page": {"totalItems": 1}}""".formatted(INSTANCE, INSTANCE));

        assertThatThrownBy(() -> instances.get(INSTANCE)).hasMessageContaining("verificationReport")
                .hasMessageContaining("truncated");
        assertThat(stub.violations()).isEmpty();
    }

    @Test
    void incidentsDefinitionsAndTheModelAreReadAsTheSpecDescribesThem() throws Exception {
        stub.on("POST", "/process-instances/search", 200, page(List.of(instance(INSTANCE)), null));
        stub.on("POST", "/variables/search", 200, page(List.of(), null));
        stub.on("POST", "/element-instances/search", 200, page(List.of(element("stage-series", "ACTIVE", 3)),
                null));
        stub.on("POST", "/incidents/search", 200, page(List.of("""
                {"incidentKey": "41", "processInstanceKey": "%d", "processDefinitionKey": "5",
                 "processDefinitionId": "%s", "elementId": "stage-series", "elementInstanceKey": "3",
                 "errorType": "JOB_NO_RETRIES", "errorMessage": "Study0 unreachable", "state": "ACTIVE",
                 "jobKey": "11", "tenantId": "<default>", "creationTime": "2026-12-02T08:00:00.000Z"}"""
                .formatted(INSTANCE, ProcessDefinition.PROCESS_ID)), null));
        stub.on("POST", "/process-definitions/search", 200, page(List.of("""
                {"processDefinitionKey": "5", "processDefinitionId": "%s", "version": 2,
                 "resourceName": "create-project-specific-dicom.bpmn", "name": "Create project-specific DICOM",
                 "tenantId": "<default>", "hasStartForm": false}""".formatted(ProcessDefinition.PROCESS_ID)),
                null));
        stub.answer("GET", "/process-definitions/5/xml", 200, "text/xml", "<definitions/>");
        stub.on("POST", "/jobs/search", 200, page(List.of(job(11, 0, "Study0 unreachable")), null));

        ProcessInstances.Detail detail = instances.get(INSTANCE).orElseThrow();
        List<ProcessInstances.Definition> definitions = instances.definitions();
        String xml = instances.xml(5).orElseThrow();

        assertThat(stub.violations()).isEmpty();
        assertThat(detail.incidents()).singleElement().satisfies(i -> {
            assertThat(i.jobKey()).isEqualTo(11L);
            assertThat(i.message()).isEqualTo("Study0 unreachable");
            assertThat(i.retriesLeft()).isZero();
            assertThat(i.elementInstanceKey()).isEqualTo(3L);
        });
        assertThat(JSON.readTree(stub.exchanges("POST", "/jobs/search").getFirst().body())
                .at("/filter/jobKey/$in/0").asText()).isEqualTo("11");
        assertThat(definitions).singleElement().extracting(ProcessInstances.Definition::version).isEqualTo(2);
        assertThat(xml).isEqualTo("<definitions/>");
    }

    /**
     * The history: every element instance in start order by its step name, the multi-instance body and its inner
     * instances each, the process itself and sequence flows left out; equal start times in key order.
     */
    @Test
    void theHistoryListsEveryElementInstanceInStartOrderByItsStepName() throws Exception {
        stub.on("POST", "/process-instances/search", 200, page(List.of(instance(INSTANCE)), null));
        stub.on("POST", "/variables/search", 200, page(List.of(), null));
        stub.on("POST", "/element-instances/search", 200, page(List.of(
                run(1, "create-project-specific-dicom", "Create project-specific DICOM copy", "PROCESS", "ACTIVE",
                        "08:00:00", null, false),
                run(2, "CopyRequested", "Project copy requested", "START_EVENT", "COMPLETED", "08:00:00",
                        "08:00:00", false),
                run(3, "StageSeries", "Stage series", "MULTI_INSTANCE_BODY", "ACTIVE", "08:01:00", null, false),
                run(5, "StageSeries", "Stage series", "SERVICE_TASK", "ACTIVE", "08:01:00", null, true),
                run(4, "StageSeries", "Stage series", "SERVICE_TASK", "COMPLETED", "08:01:00", "08:02:30", false),
                run(6, "Flow_1", "", "SEQUENCE_FLOW", "COMPLETED", "08:00:00", "08:00:00", false)), null));
        stub.on("POST", "/incidents/search", 200, page(List.of(), null));

        ProcessInstances.Detail detail = instances.get(INSTANCE).orElseThrow();

        assertThat(stub.violations()).isEmpty();
        assertThat(detail.history()).extracting(ProcessInstances.ElementRun::key).containsExactly(2L, 3L, 4L, 5L);
        assertThat(detail.history().get(0)).satisfies(r -> {
            assertThat(r.name()).isEqualTo("Project copy requested");
            assertThat(r.state()).isEqualTo("COMPLETED");
            assertThat(r.endedAt()).isEqualTo(java.time.Instant.parse("2026-12-02T08:00:00Z"));
        });
        assertThat(detail.history().get(1).type()).isEqualTo("MULTI_INSTANCE_BODY");
        assertThat(detail.history().get(3)).satisfies(r -> {
            assertThat(r.incident()).isTrue();
            assertThat(r.endedAt()).isNull();
        });
        JsonNode search = JSON.readTree(stub.exchanges("POST", "/element-instances/search").getFirst().body());
        assertThat(search.at("/sort/0/field").asText()).isEqualTo("startDate");
        assertThat(search.at("/filter/processInstanceKey").asText()).isEqualTo(Long.toString(INSTANCE));
    }

    /** Edit (create instance), retry (job retries, incident resolution) and deployment, as the app sends them. */
    @Test
    void theCommandsTheWebSendsAreWhatTheSpecAccepts() throws Exception {
        stub.on("POST", "/process-instances", 200, """
                {"processDefinitionId": "%s", "processDefinitionKey": "5", "processDefinitionVersion": 2,
                 "tenantId": "<default>", "variables": {}, "processInstanceKey": "%d"}"""
                .formatted(ProcessDefinition.PROCESS_ID, INSTANCE));
        stub.on("PATCH", "/jobs/11", 204);
        stub.on("POST", "/incidents/41/resolution", 204);
        stub.on("POST", "/deployments", 200, """
                {"tenantId": "<default>", "deploymentKey": "7", "deployments": [
                  {"processDefinition": {"processDefinitionId": "%s", "processDefinitionVersion": 3,
                   "resourceName": "create-project-specific-dicom.bpmn", "processDefinitionKey": "8",
                   "tenantId": "<default>"}},
                  {"form": {"formId": "pick-series", "version": 1, "resourceName": "dicomstage-pick-series.form",
                   "tenantId": "<default>", "formKey": "9"}}]}""".formatted(ProcessDefinition.PROCESS_ID));

        // In the study's tenant, as Edit (StagingController) and the modeler (ModelerController) send them.
        long key = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of("requestedBy", "researcher", "studyId", STUDY)).tenantId(STUDY).send().join()
                .getProcessInstanceKey();
        stub.on("POST", "/messages/publication", 200, """
                {"tenantId": "%s", "messageKey": "2251799813685300"}""".formatted(STUDY));
        // Cancel (CancelController): the message goes to the study's tenant, where the instance subscribes.
        client.newPublishMessageCommand().messageName(ProcessDefinition.Messages.CANCEL_REQUEST)
                .correlationKey(Long.toString(INSTANCE)).messageId("cancel-request-4")
                .timeToLive(CancelController.MESSAGE_TTL).variables(Map.of("cancelReason", "wrong patient"))
                .tenantId(STUDY).send().join();
        client.newUpdateRetriesCommand(11).retries(1).send().join();
        // Cancel on the process view, before the instance has a request open to the cancel message.
        stub.on("POST", "/process-instances/" + INSTANCE + "/cancellation", 204);
        client.newCancelInstanceCommand(INSTANCE).send().join();
        client.newResolveIncidentCommand(41).send().join();
        DeploymentEvent deployed = client.newDeployResourceCommand()
                .addResourceStringUtf8(Files.readString(Path.of(ProcessDefinition.BPMN_RESOURCE)),
                        "create-project-specific-dicom.bpmn")
                .addResourceFile("forms/dicomstage-pick-series.form")
                .tenantId(STUDY)
                .send().join();

        assertThat(stub.violations()).isEmpty();
        assertThat(key).isEqualTo(INSTANCE);
        assertThat(deployed.getProcesses()).singleElement().satisfies(p -> assertThat(p.getVersion()).isEqualTo(3));
        JsonNode create = JSON.readTree(stub.exchanges("POST", "/process-instances").getFirst().body());
        assertThat(create.path("processDefinitionId").asText()).isEqualTo(ProcessDefinition.PROCESS_ID);
        assertThat(create.at("/variables/studyId").asText()).isEqualTo(STUDY);
        assertThat(create.path("tenantId").asText()).isEqualTo(STUDY);
        assertThat(JSON.readTree(stub.exchanges("POST", "/messages/publication").getFirst().body())
                .path("tenantId").asText()).isEqualTo(STUDY);
        assertThat(JSON.readTree(stub.exchanges("PATCH", "/jobs/11").getFirst().body())
                .at("/changeset/retries").asInt()).isEqualTo(1);
        assertThat(stub.exchanges("POST", "/deployments").getFirst().contentType()).startsWith("multipart/form-data");
        assertThat(stub.exchanges("POST", "/deployments").getFirst().body()).contains("name=\"tenantId\"");
    }

    /** A deviating answer is caught here too: an instance without its required start date and state. */
    @Test
    void anAnswerMissingRequiredFieldsIsCaught() {
        stub.on("POST", "/process-instances/search", 200, """
                {"items": [{"processInstanceKey": "%d", "processDefinitionId": "%s"}], "page": {"totalItems": 1}}"""
                .formatted(INSTANCE, ProcessDefinition.PROCESS_ID));
        stub.on("POST", "/variables/search", 200, page(List.of(), null));

        // What the app then makes of it does not matter here (it fails on the missing definition key).
        org.assertj.core.api.Assertions.catchThrowable(() -> instances.list(Set.of(STUDY)));

        assertThat(stub.violations()).anySatisfy(v -> assertThat(v)
                .startsWith("response to POST /v2/process-instances/search").contains("startDate"));
    }

    // ---- canned answers, each checked against the spec by the stub when it is sent ----

    private static String instance(long key) {
        return """
                {"processInstanceKey": "%d", "processDefinitionId": "%s", "processDefinitionName": "Create project-specific DICOM",
                 "processDefinitionVersion": 2, "processDefinitionKey": "5", "startDate": "2026-12-02T08:00:00.000Z",
                 "state": "ACTIVE", "hasIncident": false, "tenantId": "<default>"}"""
                .formatted(key, ProcessDefinition.PROCESS_ID);
    }

    private static String element(String elementId, String state, long key) {
        return """
                {"elementInstanceKey": "%d", "processInstanceKey": "%d", "processDefinitionKey": "5",
                 "processDefinitionId": "%s", "elementId": "%s", "elementName": "%s", "type": "SERVICE_TASK",
                 "state": "%s", "hasIncident": false, "tenantId": "<default>",
                 "startDate": "2026-12-02T08:00:00.000Z"}"""
                .formatted(key, INSTANCE, ProcessDefinition.PROCESS_ID, elementId, elementId, state);
    }

    private static String run(long key, String elementId, String name, String type, String state, String start,
                              String end, boolean incident) {
        return """
                {"elementInstanceKey": "%d", "processInstanceKey": "%d", "processDefinitionKey": "5",
                 "processDefinitionId": "%s", "elementId": "%s", "elementName": "%s", "type": "%s",
                 "state": "%s", "hasIncident": %s, "tenantId": "<default>",
                 "startDate": "2026-12-02T%s.000Z"%s}"""
                .formatted(key, INSTANCE, ProcessDefinition.PROCESS_ID, elementId, name, type, state, incident, start,
                        end == null ? "" : ", \"endDate\": \"2026-12-02T" + end + ".000Z\"");
    }

    private static String job(long key, int retries, String errorMessage) {
        return """
                {"jobKey": "%d", "type": "dicomstage.check-access", "worker": "dicom-stage", "state": "FAILED",
                 "kind": "BPMN_ELEMENT", "listenerEventType": "UNSPECIFIED", "retries": %d,
                 "hasFailedWithRetriesLeft": false, "errorMessage": "%s", "customHeaders": {},
                 "processDefinitionId": "%s", "processDefinitionKey": "5", "processInstanceKey": "%d",
                 "elementId": "stage-series", "elementInstanceKey": "3", "tenantId": "<default>"}"""
                .formatted(key, retries, errorMessage, ProcessDefinition.PROCESS_ID, INSTANCE);
    }

    private static String page(List<String> items, String endCursor) {
        return "{\"items\": [" + String.join(",", items) + "], \"page\": {\"totalItems\": " + items.size()
                + (endCursor == null ? "" : ", \"startCursor\": \"WzFd\", \"endCursor\": \"" + endCursor + "\"")
                + "}}";
    }

    private static String variables(Map<String, String> jsonValues) throws Exception {
        List<String> items = new ArrayList<>();
        long key = 100;
        for (Map.Entry<String, String> v : jsonValues.entrySet()) {
            items.add("{\"name\": " + JSON.writeValueAsString(v.getKey()) + ", \"value\": "
                    + JSON.writeValueAsString(v.getValue()) + ", \"isTruncated\": false, \"variableKey\": \""
                    + key++ + "\", \"scopeKey\": \"" + INSTANCE + "\", \"processInstanceKey\": \"" + INSTANCE
                    + "\", \"tenantId\": \"<default>\"}");
        }
        return page(items, null);
    }
}
