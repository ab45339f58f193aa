package org.dicomstage.study;

import java.time.Instant;
import java.util.List;

/**
 * A staging request with its series; processInstanceKey, closedAt and outcome are null until set (outcome also for
 * requests closed before outcomes were recorded); cancellation is null unless the request's process took its cancel
 * path (set before it is closed as {@link RequestOutcome#CANCELLED}).
 */
public record StagingRequestView(long id, String studyIdentifier, String pid, String studySubjectId,
                                 String study0StudyInstanceUid, String requestedBy, Instant requestedAt,
                                 Long processInstanceKey, Instant closedAt, RequestOutcome outcome,
                                 List<StagingSeriesView> series, Cancellation cancellation) {

    public StagingRequestView {
        series = List.copyOf(series);
    }
}
