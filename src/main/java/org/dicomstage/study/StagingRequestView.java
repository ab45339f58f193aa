package org.dicomstage.study;

import java.time.Instant;
import java.util.List;

/** A staging request with its series; processInstanceKey and closedAt are null until set. */
public record StagingRequestView(long id, String studyIdentifier, String pid, String studySubjectId,
                                 String study0StudyInstanceUid, String requestedBy, Instant requestedAt,
                                 Long processInstanceKey, Instant closedAt, List<StagingSeriesView> series) {

    public StagingRequestView {
        series = List.copyOf(series);
    }
}
