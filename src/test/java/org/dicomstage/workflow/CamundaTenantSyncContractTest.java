package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camunda.client.CamundaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.dicomstage.study.Right;
import org.dicomstage.study.Role;
import org.dicomstage.study.StudyMembers;
import org.dicomstage.testing.CamundaRestStub;
import org.dicomstage.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * What {@link CamundaTenantSync} sends to the orchestration cluster to wall each study off (tenants, tenant members,
 * the application's client, user authorizations, the per-tenant deployment), and what it makes of the answers, all
 * checked against Camunda's 8.8 OpenAPI spec by {@link CamundaRestStub}. Each test answers the searches with what a
 * cluster would hold at that moment; a later state is built from the commands the sync actually sent.
 */
class CamundaTenantSyncContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STUDY = "RT-HN-2026";
    private static final String CLIENT = "dicomstage";

    private final List<CamundaRestStub> stubs = new ArrayList<>();
    private final List<CamundaClient> clients = new ArrayList<>();
    private final AtomicLong keys = new AtomicLong(2251799813690000L);

    @AfterEach
    void stop() {
        clients.forEach(CamundaClient::close);
        stubs.forEach(CamundaRestStub::close);
    }

    @Test
    void aNewStudyGetsItsTenantItsMembersTheirRightsAndTheProcess() throws Exception {
        CamundaRestStub stub = freshCluster();

        CamundaTenantSync.Changes changes = sync(stub, () -> List.of(rtStudy(researcher(), coordinator())));

        assertThat(stub.violations()).isEmpty();
        JsonNode tenant = JSON.readTree(stub.exchanges("POST", "/tenants").getFirst().body());
        assertThat(tenant.path("tenantId").asText()).isEqualTo(STUDY);
        assertThat(tenant.path("name").asText()).startsWith(STUDY);
        assertThat(stub.exchanges("PUT", "/tenants/.*/users/.*")).extracting(CamundaRestStub.Exchange::path)
                .containsExactlyInAnyOrder("/tenants/RT-HN-2026/users/researcher",
                        "/tenants/RT-HN-2026/users/coordinator");
        assertThat(stub.exchanges("PUT", "/tenants/.*/clients/.*")).extracting(CamundaRestStub.Exchange::path)
                .contains("/tenants/RT-HN-2026/clients/dicomstage");

        Map<String, Map<String, Set<String>>> granted = grantsByUser(stub);
        // The coordinator gets Operate and may read the study's instances (with their incidents) ...
        assertThat(granted.get("coordinator").get("COMPONENT:operate")).containsExactly("ACCESS");
        assertThat(granted.get("coordinator").get("PROCESS_DEFINITION:" + ProcessDefinition.PROCESS_ID))
                .contains("READ_PROCESS_INSTANCE", "READ_USER_TASK", "UPDATE_USER_TASK")
                .doesNotContain("CREATE_PROCESS_INSTANCE", "UPDATE_PROCESS_INSTANCE");
        // ... the researcher works on tasks and starts processes in Tasklist, and gets no Operate at all.
        assertThat(granted.get("researcher")).containsOnlyKeys("COMPONENT:tasklist",
                "PROCESS_DEFINITION:" + ProcessDefinition.PROCESS_ID);
        assertThat(granted.get("researcher").get("PROCESS_DEFINITION:" + ProcessDefinition.PROCESS_ID))
                .containsExactlyInAnyOrder("READ_PROCESS_DEFINITION", "READ_USER_TASK", "UPDATE_USER_TASK",
                        "CREATE_PROCESS_INSTANCE");

        CamundaRestStub.Exchange deployment = stub.exchanges("POST", "/deployments").getFirst();
        assertThat(deployment.contentType()).startsWith("multipart/form-data");
        assertThat(deployment.body()).contains("name=\"tenantId\"").contains(STUDY)
                .contains("create-project-specific-dicom.bpmn").contains(".form");
        assertThat(changes.tenantsCreated).isEqualTo(1);
        assertThat(changes.deployments).isEqualTo(1);
    }

    @Test
    void aSecondSyncWithNothingChangedSendsNoCommand() throws Exception {
        CamundaRestStub stub = freshCluster();
        CamundaTenantSync sync = newSync(stub, () -> List.of(rtStudy(researcher(), coordinator(), admin())));
        sync.sync();
        assertThat(stub.violations()).isEmpty();

        int before = holdWhatWasSent(stub);
        CamundaTenantSync.Changes changes = sync.sync();

        assertThat(stub.violations()).isEmpty();
        assertThat(changes.nothing()).as(changes.toString()).isTrue();
        assertThat(stub.exchanges().subList(before, stub.exchanges().size()))
                .allSatisfy(e -> assertThat(e.path()).endsWith("/search"));
    }

    @Test
    void aRemovedMemberIsTakenOutAndAPromotedOneGetsOperate() throws Exception {
        CamundaRestStub stub = freshCluster();
        AtomicReference<List<StudyMembers>> studies = new AtomicReference<>(List.of(rtStudy(researcher(),
                coordinator(), new StudyMembers.Member("former", Role.RESEARCHER,
                        EnumSet.of(Right.LOOKUP, Right.STAGE)))));
        CamundaTenantSync sync = newSync(stub, studies::get);
        sync.sync();
        List<String> formerKeys = keysOf(stub, "former");

        int before = holdWhatWasSent(stub);
        studies.set(List.of(rtStudy(new StudyMembers.Member("researcher", Role.COORDINATOR,
                EnumSet.of(Right.LOOKUP, Right.STAGE, Right.REVIEW)), coordinator())));
        sync.sync();

        assertThat(stub.violations()).isEmpty();
        List<CamundaRestStub.Exchange> sent = stub.exchanges().subList(before, stub.exchanges().size());
        assertThat(only(sent, "DELETE", "/tenants/.*/users/.*")).extracting(CamundaRestStub.Exchange::path)
                .containsExactly("/tenants/RT-HN-2026/users/former");
        assertThat(only(sent, "DELETE", "/authorizations/\\d+")).extracting(CamundaRestStub.Exchange::path)
                .containsExactlyInAnyOrderElementsOf(formerKeys.stream().map(k -> "/authorizations/" + k).toList());
        JsonNode update = JSON.readTree(only(sent, "PUT", "/authorizations/\\d+").getFirst().body());
        assertThat(update.path("ownerId").asText()).isEqualTo("researcher");
        assertThat(update.path("permissionTypes").toString()).contains("READ_PROCESS_INSTANCE");
        JsonNode operate = JSON.readTree(only(sent, "POST", "/authorizations").getFirst().body());
        assertThat(operate.path("ownerId").asText()).isEqualTo("researcher");
        assertThat(operate.path("resourceId").asText()).isEqualTo("operate");
        assertThat(only(sent, "POST", "/deployments")).isEmpty(); // deployed at the first run already
        assertThat(only(sent, "PUT", "/tenants/.*")).isEmpty();
    }

    @Test
    void aFailingSyncIsRetriedNotDropped() {
        CamundaRestStub stub = newStub();
        stub.answer("POST", "/tenants/search", 500, "application/problem+json", """
                {"type": "about:blank", "title": "INTERNAL", "status": 500, "detail": "secondary store down",
                 "instance": "/v2/tenants/search"}""");
        CamundaTenantSync sync = newSync(stub, () -> List.of(rtStudy(researcher())),
                new MockEnvironment().withProperty("dicomstage.tenants.client-id", CLIENT)
                        .withProperty("dicomstage.tenants.retry-delay", "100ms")
                        .withProperty("dicomstage.tenants.sync-interval", "1s"));

        assertThatThrownBy(sync::sync).isInstanceOf(io.camunda.client.api.command.ProblemException.class)
                .hasMessageContaining("secondary store down");
        try {
            sync.start();
            Poll.until(Duration.ofSeconds(10),
                    () -> stub.exchanges("POST", "/tenants/search").size() >= 3 ? true : null,
                    () -> "tried " + stub.exchanges("POST", "/tenants/search").size() + " time(s) only");
        } finally {
            sync.stop();
        }
        assertThat(stub.exchanges("POST", "/tenants")).isEmpty();
        assertThat(stub.violations()).isEmpty();
    }

    // ---- a cluster's answers ----

    /** A cluster without the study's tenant, members or authorizations, answering every command as the spec says. */
    private CamundaRestStub freshCluster() {
        CamundaRestStub stub = newStub();
        stub.on("POST", "/tenants/search", 200, page(List.of()));
        stub.on("POST", "/tenants/[^/]+/users/search", 200, page(List.of()));
        stub.on("POST", "/tenants/[^/]+/clients/search", 200, page(List.of()));
        stub.on("POST", "/authorizations/search", 200, page(List.of()));
        commands(stub);
        return stub;
    }

    /**
     * From now on the stub answers as a cluster holding what the sync has sent so far (tenant, members, client,
     * authorizations), its searches in the order the sync asks them. Returns how many requests were sent so far.
     */
    private int holdWhatWasSent(CamundaRestStub stub) throws Exception {
        int sent = stub.exchanges().size();
        List<String> tenants = new ArrayList<>();
        for (CamundaRestStub.Exchange e : stub.exchanges("POST", "/tenants")) {
            JsonNode body = JSON.readTree(e.body());
            tenants.add(JSON.writeValueAsString(Map.of("tenantId", body.path("tenantId").asText(),
                    "name", body.path("name").asText())));
        }
        List<String> users = new ArrayList<>();
        for (CamundaRestStub.Exchange e : stub.exchanges("PUT", "/tenants/[^/]+/users/.*")) {
            users.add(JSON.writeValueAsString(Map.of("username", e.path().substring(e.path().lastIndexOf('/') + 1))));
        }
        // The client was made a member of the study's tenant and of the default one.
        boolean client = !stub.exchanges("PUT", "/tenants/[^/]+/clients/.*").isEmpty();
        Map<String, List<String>> byResource = new TreeMap<>();
        List<CamundaRestStub.Exchange> created = stub.exchanges("POST", "/authorizations");
        for (int i = 0; i < created.size(); i++) {
            ObjectNode held = (ObjectNode) JSON.readTree(created.get(i).body());
            held.put("authorizationKey", createdKey(stub, i));
            byResource.computeIfAbsent(held.path("resourceType").asText() + ":" + held.path("resourceId").asText(),
                    k -> new ArrayList<>()).add(JSON.writeValueAsString(held));
        }
        stub.clearAnswers();
        stub.on("POST", "/tenants/search", 200, page(tenants));
        stub.on("POST", "/tenants/[^/]+/users/search", 200, page(users));
        stub.on("POST", "/tenants/[^/]+/clients/search", 200,
                page(client ? List.of(JSON.writeValueAsString(Map.of("clientId", CLIENT))) : List.of()));
        stub.on("POST", "/authorizations/search", 200, EngineAccess.MANAGED.stream()
                .map(r -> page(byResource.getOrDefault(r.type() + ":" + r.id(), List.of())))
                .toArray(String[]::new));
        commands(stub);
        return sent;
    }

    private static List<CamundaRestStub.Exchange> only(List<CamundaRestStub.Exchange> sent, String method,
                                                       String pathRegex) {
        return sent.stream().filter(e -> e.method().equals(method) && e.path().matches(pathRegex)).toList();
    }

    private void commands(CamundaRestStub stub) {
        stub.on("POST", "/tenants", 201, "{\"tenantId\": \"" + STUDY + "\", \"name\": \"" + STUDY + "\"}");
        stub.on("PUT", "/tenants/[^/]+/users/[^/]+", 204);
        stub.on("DELETE", "/tenants/[^/]+/users/[^/]+", 204);
        stub.on("PUT", "/tenants/[^/]+/clients/[^/]+", 204);
        String[] created = new String[12];
        for (int i = 0; i < created.length; i++) {
            created[i] = "{\"authorizationKey\": \"" + keys.incrementAndGet() + "\"}";
        }
        stub.on("POST", "/authorizations", 201, created);
        stub.on("PUT", "/authorizations/\\d+", 204);
        stub.on("DELETE", "/authorizations/\\d+", 204);
        stub.on("POST", "/deployments", 200, """
                {"tenantId": "%s", "deploymentKey": "7", "deployments": [
                  {"processDefinition": {"processDefinitionId": "%s", "processDefinitionVersion": 1,
                   "resourceName": "create-project-specific-dicom.bpmn", "processDefinitionKey": "8",
                   "tenantId": "%s"}}]}""".formatted(STUDY, ProcessDefinition.PROCESS_ID, STUDY));
    }

    /** The key the cluster answered to the i-th authorization the sync created on that stub. */
    private static String createdKey(CamundaRestStub stub, int i) {
        return stub.answers("POST", "/authorizations").get(i).replaceAll("\\D", "");
    }

    private static List<String> keysOf(CamundaRestStub stub, String owner) throws Exception {
        List<String> found = new ArrayList<>();
        List<CamundaRestStub.Exchange> created = stub.exchanges("POST", "/authorizations");
        for (int i = 0; i < created.size(); i++) {
            if (owner.equals(JSON.readTree(created.get(i).body()).path("ownerId").asText())) {
                found.add(createdKey(stub, i));
            }
        }
        return found;
    }

    private static Map<String, Map<String, Set<String>>> grantsByUser(CamundaRestStub stub) throws Exception {
        Map<String, Map<String, Set<String>>> grants = new TreeMap<>();
        for (CamundaRestStub.Exchange e : stub.exchanges("POST", "/authorizations")) {
            JsonNode body = JSON.readTree(e.body());
            assertThat(body.path("ownerType").asText()).isEqualTo("USER");
            Set<String> permissions = new java.util.TreeSet<>();
            body.path("permissionTypes").forEach(p -> permissions.add(p.asText()));
            grants.computeIfAbsent(body.path("ownerId").asText(), k -> new TreeMap<>())
                    .put(body.path("resourceType").asText() + ":" + body.path("resourceId").asText(), permissions);
        }
        return grants;
    }

    private static String page(List<String> items) {
        return "{\"items\": [" + String.join(",", items) + "], \"page\": {\"totalItems\": " + items.size() + "}}";
    }

    // ---- the application side ----

    private CamundaRestStub newStub() {
        CamundaRestStub stub = new CamundaRestStub();
        stubs.add(stub);
        return stub;
    }

    private CamundaTenantSync.Changes sync(CamundaRestStub stub, Supplier<List<StudyMembers>> studies) {
        return newSync(stub, studies).sync();
    }

    private CamundaTenantSync newSync(CamundaRestStub stub, Supplier<List<StudyMembers>> studies) {
        return newSync(stub, studies, new MockEnvironment().withProperty("dicomstage.tenants.client-id", CLIENT));
    }

    private CamundaTenantSync newSync(CamundaRestStub stub, Supplier<List<StudyMembers>> studies,
                                      MockEnvironment environment) {
        CamundaClient client = stub.client();
        clients.add(client);
        return new CamundaTenantSync(client, studies, new WorkflowDeployment(client, environment), environment);
    }

    private static StudyMembers rtStudy(StudyMembers.Member... members) {
        return new StudyMembers(STUDY, "Adaptive radiotherapy of head and neck cancer", List.of(members));
    }

    private static StudyMembers.Member researcher() {
        return new StudyMembers.Member("researcher", Role.RESEARCHER,
                EnumSet.of(Right.LOOKUP, Right.STAGE, Right.REVIEW));
    }

    private static StudyMembers.Member coordinator() {
        return new StudyMembers.Member("coordinator", Role.COORDINATOR,
                EnumSet.of(Right.LOOKUP, Right.REVIEW, Right.DOWNLOAD));
    }

    private static StudyMembers.Member admin() {
        return new StudyMembers.Member("admin", Role.ADMIN, EnumSet.allOf(Right.class));
    }
}
