package org.dicomstage.study;

import java.time.Instant;

/** Who did what to which data, and when. Study and subject are null when the action concerned none. */
public record AuditEventView(long id, Instant occurredAt, String username, String action, String studyIdentifier,
                             String subjectPid, String detail) {
}
