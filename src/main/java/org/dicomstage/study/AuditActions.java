package org.dicomstage.study;

/** Action names written by this package; other packages may record their own. */
public final class AuditActions {

    public static final String ACCESS_DENIED = "ACCESS_DENIED";
    public static final String STUDY_ACTIVATED = "STUDY_ACTIVATED";
    public static final String SUBJECT_SEARCH = "SUBJECT_SEARCH";
    public static final String SUBJECT_BULK_SEARCH = "SUBJECT_BULK_SEARCH";
    public static final String STAGING_REQUESTED = "STAGING_REQUESTED";
    public static final String STAGING_REQUESTS_LISTED = "STAGING_REQUESTS_LISTED";
    public static final String STAGING_REQUEST_VIEWED = "STAGING_REQUEST_VIEWED";
    public static final String STAGING_REQUEST_CLOSED = "STAGING_REQUEST_CLOSED";
    /** The request's process took its cancel path: who cancelled it and why. */
    public static final String STAGING_REQUEST_CANCELLED = "STAGING_REQUEST_CANCELLED";

    private AuditActions() {
    }
}
