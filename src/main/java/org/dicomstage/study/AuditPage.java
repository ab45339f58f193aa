package org.dicomstage.study;

import java.util.List;

/** One page of audit events, newest first. */
public record AuditPage(List<AuditEventView> events, int page, int size, long totalEvents, boolean hasNext) {

    public AuditPage {
        events = List.copyOf(events);
    }
}
