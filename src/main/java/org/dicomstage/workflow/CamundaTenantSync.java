package org.dicomstage.workflow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientHttpException;
import io.camunda.client.api.search.enums.OwnerType;
import io.camunda.client.api.search.enums.PermissionType;
import io.camunda.client.api.search.response.Authorization;
import io.camunda.client.api.search.response.Client;
import io.camunda.client.api.search.response.Tenant;
import io.camunda.client.api.search.response.TenantUser;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.dicomstage.study.StudyMembers;
import org.dicomstage.study.StudyService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Keeps the orchestration cluster's tenants, tenant members and user authorizations in step with the studies and
 * their memberships ({@link EngineAccess}), through the cluster's REST API with the Camunda client's own commands
 * (8.8.14 has one for each call). Runs at start-up and then every {@code dicomstage.tenants.sync-interval} (5 min):
 * memberships are kept in the database and the application itself has no screen that changes them, so a change made
 * there reaches the cluster with the next run. A run that fails is logged with its cause and tried again after
 * {@code dicomstage.tenants.retry-delay} (30 s), doubling up to the interval; it is never dropped.
 *
 * <p>Idempotent: it reads what the cluster holds first and sends only the differences, so a second run with nothing
 * changed sends no command. What it owns: the tenants of the process studies (created, never deleted: they hold the
 * study's history), their user members (added and removed), the application's own client as a member of each (so it
 * can deploy, start and work on jobs there), and user-owned authorizations on the resources of
 * {@link EngineAccess#MANAGED} (created, updated, deleted). Groups, roles, other clients and every other
 * authorization are left alone. A new tenant gets the process and its forms deployed as soon as it exists; at
 * start-up every tenant does (an unchanged deployment makes no new version).
 */
@Component
@ConditionalOnProperty(name = StudyTenants.ENABLED_PROPERTY, havingValue = "true", matchIfMissing = true)
class CamundaTenantSync {

    private static final Logger LOG = LoggerFactory.getLogger(CamundaTenantSync.class);

    private final CamundaClient client;
    private final Supplier<List<StudyMembers>> studies;
    private final WorkflowDeployment deployment;
    private final String clientId;
    private final Duration interval;
    private final Duration retryDelay;
    private final Set<String> deployed = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tenant-sync");
        thread.setDaemon(true);
        return thread;
    });
    private Duration nextRetry;
    private boolean defaultTenantWarned;

    @Autowired
    CamundaTenantSync(CamundaClient client, StudyService studies, WorkflowDeployment deployment,
                      Environment environment) {
        this(client, studies::processStudies, deployment, environment);
    }

    CamundaTenantSync(CamundaClient client, Supplier<List<StudyMembers>> studies, WorkflowDeployment deployment,
                      Environment environment) {
        this.client = client;
        this.studies = studies;
        this.deployment = deployment;
        this.clientId = environment.getProperty("dicomstage.tenants.client-id",
                environment.getProperty("camunda.client.auth.client-id", ""));
        this.interval = DurationStyle.detectAndParse(environment.getProperty("dicomstage.tenants.sync-interval", "5m"));
        this.retryDelay = DurationStyle.detectAndParse(environment.getProperty("dicomstage.tenants.retry-delay", "30s"));
        this.nextRetry = retryDelay;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.execute(this::runAndReschedule);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    private void runAndReschedule() {
        Duration next;
        try {
            Changes changes = sync();
            LOG.info("Camunda tenants and authorizations in step with the studies: {}", changes);
            nextRetry = retryDelay;
            next = interval;
        } catch (RuntimeException e) {
            next = nextRetry;
            nextRetry = nextRetry.multipliedBy(2).compareTo(interval) > 0 ? interval : nextRetry.multipliedBy(2);
            LOG.warn("Keeping Camunda's tenants and authorizations in step with the studies failed; next try in {}",
                    next, e);
        }
        if (!timer.isShutdown()) {
            timer.schedule(this::runAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One run: makes the cluster match the studies and says what it changed. */
    synchronized Changes sync() {
        EngineAccess wanted = EngineAccess.of(studies.get());
        Changes changes = new Changes();
        Set<String> existing = new HashSet<>();
        for (Tenant tenant : CamundaSearch.all(client.newTenantsSearchRequest())) {
            existing.add(tenant.getTenantId());
        }
        for (EngineAccess.Tenant tenant : wanted.tenants().values()) {
            if (!existing.contains(tenant.tenantId())) {
                client.newCreateTenantCommand().tenantId(tenant.tenantId()).name(tenant.name()).send().join();
                changes.tenantsCreated++;
            }
            members(tenant, changes);
            if (!clientId.isBlank()) {
                assignClient(tenant.tenantId(), changes);
            }
        }
        for (EngineAccess.Resource resource : EngineAccess.MANAGED) {
            authorizations(resource, wanted, changes);
        }
        if (!clientId.isBlank()) {
            defaultTenantClient(changes);
        }
        for (String tenantId : wanted.tenants().keySet()) {
            if (!deployed.contains(tenantId)) {
                deployment.deploy(tenantId);
                deployed.add(tenantId);
                changes.deployments++;
            }
        }
        return changes;
    }

    private void members(EngineAccess.Tenant tenant, Changes changes) {
        Set<String> current = new TreeSet<>();
        for (TenantUser user : CamundaSearch.all(client.newUsersByTenantSearchRequest(tenant.tenantId()))) {
            current.add(user.getUsername());
        }
        for (String username : tenant.usernames()) {
            if (!current.contains(username)) {
                client.newAssignUserToTenantCommand().username(username).tenantId(tenant.tenantId()).send().join();
                changes.usersAssigned++;
            }
        }
        for (String username : current) {
            if (!tenant.usernames().contains(username)) {
                client.newUnassignUserFromTenantCommand().username(username).tenantId(tenant.tenantId())
                        .send().join();
                changes.usersUnassigned++;
            }
        }
    }

    private void assignClient(String tenantId, Changes changes) {
        for (Client member : CamundaSearch.all(client.newClientsByTenantSearchRequest(tenantId))) {
            if (clientId.equals(member.getClientId())) {
                return;
            }
        }
        client.newAssignClientToTenantCommand().clientId(clientId).tenantId(tenantId).send().join();
        changes.clientsAssigned++;
    }

    /**
     * The Spring SDK adds the client's default tenant to every job worker's tenants, whatever else it is given, so
     * the application's client is made a member of {@code <default>} too: otherwise the cluster could refuse its job
     * requests. Not every cluster lets the default tenant's members be changed; that is logged and not retried.
     */
    private void defaultTenantClient(Changes changes) {
        try {
            assignClient(StudyTenants.DEFAULT_TENANT, changes);
        } catch (ClientHttpException e) {
            if (!defaultTenantWarned) {
                LOG.warn("Could not make client '{}' a member of the default tenant: {}", clientId, e.getMessage());
                defaultTenantWarned = true;
            }
        }
    }

    private void authorizations(EngineAccess.Resource resource, EngineAccess wanted, Changes changes) {
        List<Authorization> found = CamundaSearch.all(client.newAuthorizationSearchRequest()
                .filter(f -> f.ownerType(OwnerType.USER).resourceType(resource.type()).resourceIds(resource.id())));
        Map<String, Authorization> kept = new HashMap<>();
        for (Authorization a : found) {
            if (a.getOwnerType() != OwnerType.USER || a.getResourceType() != resource.type()
                    || !resource.id().equals(a.getResourceId())) {
                continue; // the filter is the cluster's; this makes sure nothing else is ever touched
            }
            Set<PermissionType> permissions = wanted.permissions(resource, a.getOwnerId());
            long key = Long.parseLong(a.getAuthorizationKey());
            if (permissions.isEmpty() || kept.containsKey(a.getOwnerId())) {
                client.newDeleteAuthorizationCommand(key).send().join();
                changes.authorizationsDeleted++;
                continue;
            }
            kept.put(a.getOwnerId(), a);
            Set<PermissionType> held = a.getPermissionTypes() == null || a.getPermissionTypes().isEmpty()
                    ? EnumSet.noneOf(PermissionType.class) : EnumSet.copyOf(a.getPermissionTypes());
            if (!held.equals(permissions)) {
                client.newUpdateAuthorizationCommand(key).ownerId(a.getOwnerId()).ownerType(OwnerType.USER)
                        .resourceId(resource.id()).resourceType(resource.type())
                        .permissionTypes(permissions.toArray(PermissionType[]::new)).send().join();
                changes.authorizationsUpdated++;
            }
        }
        wanted.grants().getOrDefault(resource, Map.of()).forEach((username, permissions) -> {
            if (!kept.containsKey(username)) {
                client.newCreateAuthorizationCommand().ownerId(username).ownerType(OwnerType.USER)
                        .resourceId(resource.id()).resourceType(resource.type())
                        .permissionTypes(permissions.toArray(PermissionType[]::new)).send().join();
                changes.authorizationsCreated++;
            }
        });
    }

    /** What one run changed in the cluster; all zero once it is in step. */
    static final class Changes {
        int tenantsCreated;
        int usersAssigned;
        int usersUnassigned;
        int clientsAssigned;
        int authorizationsCreated;
        int authorizationsUpdated;
        int authorizationsDeleted;
        int deployments;

        boolean nothing() {
            return tenantsCreated + usersAssigned + usersUnassigned + clientsAssigned + authorizationsCreated
                    + authorizationsUpdated + authorizationsDeleted + deployments == 0;
        }

        @Override
        public String toString() {
            return nothing() ? "nothing to change" : tenantsCreated + " tenant(s) created, " + usersAssigned
                    + " member(s) added, " + usersUnassigned + " removed, " + clientsAssigned
                    + " client assignment(s), " + authorizationsCreated + " authorization(s) created, "
                    + authorizationsUpdated + " updated, " + authorizationsDeleted + " deleted, " + deployments
                    + " deployment(s)";
        }
    }
}
