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
    /** A coordinator or admin turned four eyes at review on or off. */
    public static final String FOUR_EYES_CHANGED = "FOUR_EYES_CHANGED";

    // User tasks, with the acting user (who may not be the requester: a reviewer, an admin).
    public static final String TASK_CLAIMED = "TASK_CLAIMED";
    public static final String TASK_UNCLAIMED = "TASK_UNCLAIMED";
    /** Detail exactly "task <key>": how a later visitor of the task learns who completed it. */
    public static final String TASK_COMPLETED = "TASK_COMPLETED";
    /** The review's decision, besides its TASK_COMPLETED: whose copy, and what the reviewer chose. */
    public static final String REVIEW_ACCEPTED = "REVIEW_ACCEPTED";
    public static final String REVIEW_SENT_BACK = "REVIEW_SENT_BACK";
    public static final String REVIEW_CANCELLED = "REVIEW_CANCELLED";
    /** The requester tried to claim or complete the review of their own copy under four eyes. */
    public static final String FOUR_EYES_REFUSED = "FOUR_EYES_REFUSED";

    private AuditActions() {
    }
}
