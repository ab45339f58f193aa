package org.dicomstage.study;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Per-series status of one subject's Study0 study in a project study, from the database's staging requests (one
 * query each for requests and series, not one per series). Callers have checked the user's rights already.
 */
@Service
public class SeriesProjectStatuses {

    private final StagingRequestRepository requests;
    private final StagingSeriesRepository series;

    SeriesProjectStatuses(StagingRequestRepository requests, StagingSeriesRepository series) {
        this.requests = requests;
        this.series = series;
    }

    /** Series UID to status; a series no request ever touched is absent (see {@link #of(Map, String)}). */
    @Transactional(readOnly = true)
    public Map<String, SeriesProjectStatus> of(String studyIdentifier, String pid, String study0StudyInstanceUid) {
        List<StagingRequest> found = requests.findAll(studyIdentifier, pid, study0StudyInstanceUid);
        Map<String, SeriesProjectStatus> statuses = new HashMap<>();
        if (found.isEmpty()) {
            return statuses;
        }
        // Newest request first (the repository's order), so the first accepted or open request seen is the newest.
        Map<Long, Integer> rank = new HashMap<>();
        for (int i = 0; i < found.size(); i++) {
            rank.put(found.get(i).id(), i);
        }
        List<StagingSeries> rows = series.findByRequests(rank.keySet()).stream()
                .sorted((a, b) -> Integer.compare(rank.get(a.request().id()), rank.get(b.request().id()))).toList();
        for (StagingSeries row : rows) {
            StagingRequest request = row.request();
            SeriesProjectStatus current = statuses.getOrDefault(row.seriesUid(),
                    SeriesProjectStatus.notInProject(row.seriesUid()));
            statuses.put(row.seriesUid(), merge(current, request, row.view()));
        }
        return statuses;
    }

    public static SeriesProjectStatus of(Map<String, SeriesProjectStatus> statuses, String seriesInstanceUid) {
        return statuses.getOrDefault(seriesInstanceUid, SeriesProjectStatus.notInProject(seriesInstanceUid));
    }

    private static SeriesProjectStatus merge(SeriesProjectStatus s, StagingRequest request, StagingSeriesView row) {
        Long inProject = s.inProjectRequestId();
        var since = s.inProjectSince();
        // PUBLISHED: the accepted copy was checked in the project archive. Accepted and VERIFIED: a request closed
        // before copies were held for review, when the verified copy was already the project's.
        boolean published = row.status() == SeriesStatus.PUBLISHED
                || request.outcome() == RequestOutcome.ACCEPTED && row.status() == SeriesStatus.VERIFIED;
        if (inProject == null && published) {
            inProject = request.id();
            since = request.closedAt();
        }
        SeriesProjectStatus.Activity activity = s.activity();
        Long activityRequest = s.activityRequestId();
        String reason = s.failureReason();
        if (activity == SeriesProjectStatus.Activity.NONE && request.closedAt() == null) {
            activityRequest = request.id();
            activity = switch (row.status()) {
                case PENDING, STAGING -> SeriesProjectStatus.Activity.BEING_STAGED;
                case STAGED, VERIFIED -> SeriesProjectStatus.Activity.HELD_FOR_REVIEW;
                case FAILED -> SeriesProjectStatus.Activity.FAILED;
                case PUBLISHED -> SeriesProjectStatus.Activity.NONE;
            };
            reason = activity == SeriesProjectStatus.Activity.FAILED
                    ? SeriesProjectStatus.inWords(row.failureReason()) : null;
        }
        return new SeriesProjectStatus(row.seriesInstanceUid(), inProject, since, activity, activityRequest, reason);
    }
}
