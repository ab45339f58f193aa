package org.dicomstage.workflow;

import static io.camunda.client.api.search.enums.PermissionType.ACCESS;
import static io.camunda.client.api.search.enums.PermissionType.CREATE;
import static io.camunda.client.api.search.enums.PermissionType.CREATE_PROCESS_INSTANCE;
import static io.camunda.client.api.search.enums.PermissionType.READ_PROCESS_DEFINITION;
import static io.camunda.client.api.search.enums.PermissionType.READ_PROCESS_INSTANCE;
import static io.camunda.client.api.search.enums.PermissionType.READ_USER_TASK;
import static io.camunda.client.api.search.enums.PermissionType.UPDATE_USER_TASK;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import org.dicomstage.study.Right;
import org.dicomstage.study.Role;
import org.dicomstage.study.StudyMembers;
import org.dicomstage.study.StudyMembers.Member;
import org.junit.jupiter.api.Test;

/** Which tenant members and which permissions the study memberships call for in the cluster. */
class EngineAccessTest {

    private static final Member RESEARCHER = new Member("researcher", Role.RESEARCHER,
            EnumSet.of(Right.LOOKUP, Right.STAGE, Right.REVIEW));
    private static final Member COORDINATOR = new Member("coordinator", Role.COORDINATOR,
            EnumSet.of(Right.LOOKUP, Right.REVIEW, Right.DOWNLOAD));
    private static final Member ADMIN = new Member("admin", Role.ADMIN, EnumSet.allOf(Right.class));

    @Test
    void eachStudyIsATenantWithExactlyItsMembers() {
        EngineAccess access = EngineAccess.of(List.of(
                new StudyMembers("RT-HN-2026", "Adaptive RT", List.of(RESEARCHER, COORDINATOR)),
                new StudyMembers("LUNG 2027", "Lung", List.of(ADMIN))));

        assertThat(access.tenants()).containsOnlyKeys("RT-HN-2026", StudyTenants.tenantId("LUNG 2027"));
        assertThat(access.tenants().get("RT-HN-2026").usernames()).containsExactly("coordinator", "researcher");
        assertThat(access.tenants().get("RT-HN-2026").name()).isEqualTo("RT-HN-2026 - Adaptive RT");
    }

    @Test
    void researchersWorkInTasklistCoordinatorsAlsoReadInOperateAdminsAlsoDeploy() {
        EngineAccess access = EngineAccess.of(List.of(
                new StudyMembers("RT-HN-2026", "Adaptive RT", List.of(RESEARCHER, COORDINATOR, ADMIN))));

        assertThat(access.permissions(EngineAccess.PROCESS, "researcher")).containsExactlyInAnyOrder(
                READ_PROCESS_DEFINITION, READ_USER_TASK, UPDATE_USER_TASK, CREATE_PROCESS_INSTANCE);
        assertThat(access.permissions(EngineAccess.TASKLIST, "researcher")).containsExactly(ACCESS);
        assertThat(access.permissions(EngineAccess.OPERATE, "researcher")).isEmpty();

        assertThat(access.permissions(EngineAccess.PROCESS, "coordinator")).containsExactlyInAnyOrder(
                READ_PROCESS_DEFINITION, READ_USER_TASK, UPDATE_USER_TASK, READ_PROCESS_INSTANCE);
        assertThat(access.permissions(EngineAccess.OPERATE, "coordinator")).containsExactly(ACCESS);
        assertThat(access.permissions(EngineAccess.DEPLOYMENT, "coordinator")).isEmpty();

        assertThat(access.permissions(EngineAccess.DEPLOYMENT, "admin")).containsExactly(CREATE);
        assertThat(access.permissions(EngineAccess.PROCESS, "admin")).contains(READ_PROCESS_INSTANCE,
                CREATE_PROCESS_INSTANCE);
    }

    @Test
    void aMemberWhoMayOnlyLookUpGetsNoTasklistAndNoOperate() {
        Member lookupOnly = new Member("reader", Role.RESEARCHER, EnumSet.of(Right.LOOKUP));
        EngineAccess access = EngineAccess.of(List.of(new StudyMembers("RT-HN-2026", "RT", List.of(lookupOnly))));

        assertThat(access.tenants().get("RT-HN-2026").usernames()).containsExactly("reader");
        for (EngineAccess.Resource resource : EngineAccess.MANAGED) {
            assertThat(access.permissions(resource, "reader")).as(resource.toString()).isEmpty();
        }
    }

    /** Authorizations are per process id, not per tenant: a user's permissions are the union over their studies. */
    @Test
    void aUserWithDifferentRolesInTwoStudiesGetsTheUnion() {
        Member coordinatorThere = new Member("researcher", Role.COORDINATOR, EnumSet.of(Right.LOOKUP));
        EngineAccess access = EngineAccess.of(List.of(
                new StudyMembers("RT-HN-2026", "RT", List.of(RESEARCHER)),
                new StudyMembers("LUNG-2027", "Lung", List.of(coordinatorThere))));

        assertThat(access.permissions(EngineAccess.PROCESS, "researcher")).contains(READ_PROCESS_INSTANCE,
                CREATE_PROCESS_INSTANCE);
        assertThat(access.permissions(EngineAccess.OPERATE, "researcher")).containsExactly(ACCESS);
    }
}
