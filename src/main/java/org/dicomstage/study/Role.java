package org.dicomstage.study;

/**
 * A member's function in a study. Access to data is decided by {@link Right}s alone; the role only adds reading
 * the study's audit trail, which coordinators and admins may and researchers may not.
 */
public enum Role {
    RESEARCHER, COORDINATOR, ADMIN;

    /** Coordinators and admins oversee a study: its processes, incidents and settings, beyond their own requests. */
    public boolean overseesStudy() {
        return this == COORDINATOR || this == ADMIN;
    }
}
