package org.dicomstage.workflow;

import io.camunda.client.api.search.enums.PermissionType;
import io.camunda.client.api.search.enums.ResourceType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dicomstage.study.Right;
import org.dicomstage.study.Role;
import org.dicomstage.study.StudyMembers;

/**
 * What the orchestration cluster should hold for the studies: a tenant per study with its members as the tenant's
 * users, and per user the permissions their memberships call for. Pure: {@link CamundaTenantSync} makes the cluster
 * match it.
 *
 * <p>Camunda 8.8 keys an authorization by owner, resource type and resource id (here the process id), not by tenant:
 * the tenant decides which instances a user sees at all, the authorization what they may do with the instances of
 * every tenant they belong to. A user's permissions are therefore the union over all their studies (see README,
 * "Studies walled off in the engine").
 *
 * <ul>
 *   <li>STAGE or REVIEW right: Tasklist (component {@code tasklist}), and on the process: read the definition, read
 *       and update (claim, complete) user tasks;</li>
 *   <li>STAGE right: also start processes (Tasklist's Processes tab);</li>
 *   <li>COORDINATOR or ADMIN role: Operate (component {@code operate}), read the definition and the process
 *       instances (with their variables and incidents);</li>
 *   <li>ADMIN role: also deploy (resource {@code *}, CREATE).</li>
 * </ul>
 * Nobody gets UPDATE_PROCESS_INSTANCE (retry, modify, cancel in Operate) or any delete permission: retries go
 * through DICOM Stage's Processes page, which checks the study right and acts with the application's client.
 */
record EngineAccess(Map<String, Tenant> tenants, Map<Resource, Map<String, Set<PermissionType>>> grants) {

    /** The resources whose user-owned authorizations the application manages, and no others. */
    static final Resource PROCESS = new Resource(ResourceType.PROCESS_DEFINITION, ProcessDefinition.PROCESS_ID);
    static final Resource TASKLIST = new Resource(ResourceType.COMPONENT, "tasklist");
    static final Resource OPERATE = new Resource(ResourceType.COMPONENT, "operate");
    static final Resource DEPLOYMENT = new Resource(ResourceType.RESOURCE, "*");
    static final List<Resource> MANAGED = List.of(PROCESS, TASKLIST, OPERATE, DEPLOYMENT);

    /** A tenant: id (see {@link StudyTenants#tenantId}), display name, user names of its members. */
    record Tenant(String tenantId, String name, Set<String> usernames) {
    }

    record Resource(ResourceType type, String id) {
    }

    static EngineAccess of(List<StudyMembers> studies) {
        Map<String, Tenant> tenants = new LinkedHashMap<>();
        Map<Resource, Map<String, Set<PermissionType>>> grants = new LinkedHashMap<>();
        MANAGED.forEach(r -> grants.put(r, new TreeMap<>()));
        for (StudyMembers study : studies) {
            String tenantId = StudyTenants.tenantId(study.identifier());
            Set<String> usernames = new TreeSet<>();
            for (StudyMembers.Member member : study.members()) {
                usernames.add(member.username());
                grant(grants, member);
            }
            tenants.put(tenantId, new Tenant(tenantId, study.identifier() + " - " + study.name(), usernames));
        }
        grants.values().removeIf(Map::isEmpty);
        return new EngineAccess(tenants, grants);
    }

    /** The permissions a user ends up with on a resource, empty for none. */
    Set<PermissionType> permissions(Resource resource, String username) {
        return grants.getOrDefault(resource, Map.of()).getOrDefault(username, Set.of());
    }

    private static void grant(Map<Resource, Map<String, Set<PermissionType>>> grants, StudyMembers.Member member) {
        boolean tasks = member.rights().contains(Right.STAGE) || member.rights().contains(Right.REVIEW);
        boolean oversight = member.role().overseesStudy();
        if (tasks) {
            add(grants, TASKLIST, member, PermissionType.ACCESS);
            add(grants, PROCESS, member, PermissionType.READ_PROCESS_DEFINITION, PermissionType.READ_USER_TASK,
                    PermissionType.UPDATE_USER_TASK);
        }
        if (member.rights().contains(Right.STAGE)) {
            add(grants, PROCESS, member, PermissionType.CREATE_PROCESS_INSTANCE);
        }
        if (oversight) {
            add(grants, OPERATE, member, PermissionType.ACCESS);
            add(grants, PROCESS, member, PermissionType.READ_PROCESS_DEFINITION, PermissionType.READ_PROCESS_INSTANCE);
        }
        if (member.role() == Role.ADMIN) {
            add(grants, DEPLOYMENT, member, PermissionType.CREATE);
        }
    }

    private static void add(Map<Resource, Map<String, Set<PermissionType>>> grants, Resource resource,
                            StudyMembers.Member member, PermissionType... permissions) {
        grants.get(resource).computeIfAbsent(member.username(), u -> EnumSet.noneOf(PermissionType.class))
                .addAll(List.of(permissions));
    }
}
