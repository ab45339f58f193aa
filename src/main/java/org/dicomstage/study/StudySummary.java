package org.dicomstage.study;

import java.util.Set;

/** A study as its member sees it, with the member's role and rights. */
public record StudySummary(String identifier, String name, String protocolId, String protocolName, String sponsor,
                           boolean dicomEnabled, Role role, Set<Right> rights) {

    public StudySummary {
        rights = Set.copyOf(rights);
    }
}
