package org.dicomstage.study;

import java.time.Instant;
import java.util.List;

/**
 * A staging request with its series; processInstanceKey, closedAt and outcome are null until set (outcome also for
 * requests closed before outcomes were recorded).
 */
public record StagingRequestView(long id, String studyIdentifier, String pid, String studySubjectId,
                                 String study0StudyInstanceUid, String requestedBy, Instant requestedAt,
                                 Long processInstanceKey, Instant closedAt, RequestOutcome outcome,
                                 List<StagingSeriesView> series) {

    public StagingRequestView {
        series = List.copyOf(series);
    }
}
