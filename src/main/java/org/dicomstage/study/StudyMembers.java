package org.dicomstage.study;

import java.util.List;
import java.util.Set;

/**
 * A study that runs staging processes, with everyone who is a member of it: what the engine's walls around the study
 * (a tenant, its members, their authorizations) are made from.
 */
public record StudyMembers(String identifier, String name, List<Member> members) {

    public StudyMembers {
        members = List.copyOf(members);
    }

    /** One member: the user name (the same in the app, Keycloak and the cluster), role and rights in the study. */
    public record Member(String username, Role role, Set<Right> rights) {

        public Member {
            rights = Set.copyOf(rights);
        }
    }
}
