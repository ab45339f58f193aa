package org.dicomstage.workflow;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntConsumer;

import org.dicomstage.staging.SourceDigestStore;
import org.dicomstage.staging.StageResult;
import org.dicomstage.staging.StagingService;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.SeriesTexts;
import org.dicomstage.study.StudyService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Stage series: one registered series copied into the holding node under its claim, its progress and outcome recorded. */
@Service
class SeriesStaging {

    private static final Logger log = LoggerFactory.getLogger(SeriesStaging.class);

    static final String SERIES_STAGED = "SERIES_STAGED";
    static final String SERIES_STAGING_FAILED = "SERIES_STAGING_FAILED";

    private final StudyService studies;
    private final StagingService staging;
    private final StagingMetrics metrics;
    private final WorkflowProperties properties;
    private final RequestSlots requests;
    private final StagingTargets targets;
    private final SeriesClaims claims;
    private final SourceDigestStore digests;
    private final TransactionTemplate transaction;

    SeriesStaging(StudyService studies, StagingService staging, StagingMetrics metrics, WorkflowProperties properties,
                  RequestSlots requests, StagingTargets targets, SeriesClaims claims, SourceDigestStore digests,
                  PlatformTransactionManager transactions) {
        this.transaction = new TransactionTemplate(transactions);
        this.studies = studies;
        this.staging = staging;
        this.metrics = metrics;
        this.properties = properties;
        this.requests = requests;
        this.targets = targets;
        this.claims = claims;
        this.digests = digests;
    }

    /** The stagingResult variable of one series. */
    record StagingOutcome(String seriesInstanceUid, String status, int instancesStaged, String message,
                          String targetSeriesInstanceUid) {
    }

    /** One registered series; which one to copy and for whom comes from the staging request, not the variable. */
    StagingOutcome stageSeries(String studyId, Map<String, Object> series, long processInstanceKey) {
        StagingTargets.Target t = targets.target(studyId, series, processInstanceKey);
        return claims.withClaim(t, () -> stageClaimed(studyId, series, t));
    }

    private StagingOutcome stageClaimed(String studyId, Map<String, Object> series, StagingTargets.Target t) {
        long started = System.nanoTime();
        // The database work before and after the copy is one transaction each (one commit, not two or three).
        transaction.executeWithoutResult(status -> {
            studies.markSeries(t.request().id(), t.row().seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);
            // Whatever this run ends in, the record of an earlier one must not outlive it.
            digests.delete(t.request().id(), t.row().seriesInstanceUid());
        });
        StageResult result = staging.stage(t.spec(), throttledProgress(t.request().id(), t.row().seriesInstanceUid()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String what = SeriesObjects.label(series) + " (" + t.row().seriesInstanceUid() + ")";
        if (result.status() == StageResult.Status.STAGED) {
            // One transaction: a series marked STAGED has its record of the source and its audit row, or none.
            transaction.executeWithoutResult(status -> {
                digests.replace(t.request().id(), t.row().seriesInstanceUid(), result.sourceDigests());
                studies.markSeries(t.request().id(), t.row().seriesInstanceUid(), SeriesStatus.STAGED,
                        result.stagedInstances(), null, result.targetSeriesInstanceUID(), texts(result));
                studies.record(t.request().requestedBy(), SERIES_STAGED, studyId, t.request().pid(), what + " -> "
                        + result.targetSeriesInstanceUID() + " in node '" + t.spec().target().name() + "': "
                        + result.summary());
            });
            metrics.staged(studyId, result.stagedInstances(), took, "staged");
        } else {
            transaction.executeWithoutResult(status -> {
                studies.markSeries(t.request().id(), t.row().seriesInstanceUid(), SeriesStatus.FAILED,
                        result.stagedInstances(), result.summary(), result.targetSeriesInstanceUID(), texts(result));
                studies.record(t.request().requestedBy(), SERIES_STAGING_FAILED, studyId, t.request().pid(),
                        what + ": " + result.summary());
            });
            metrics.staged(studyId, result.stagedInstances(), took, "failed");
            metrics.failure(studyId, "business");
            log.warn("staging {} from node '{}' failed: {}", what, t.spec().source().name(), result.summary());
        }
        return new StagingOutcome(t.row().seriesInstanceUid(), result.status().name(), result.stagedInstances(),
                result.summary(), result.targetSeriesInstanceUID());
    }

    /** What the copy carries as text, for the review: the instances a failed run did write leave with it too. */
    private static SeriesTexts texts(StageResult result) {
        return new SeriesTexts(result.keptDescriptors().stream()
                .map(k -> new SeriesTexts.KeptDescriptor(k.keyword(), k.value())).toList(),
                result.cleaningNotes(), result.unknownAttributesRemoved());
    }

    /** A technical failure the job will retry: the series shows why in the meantime. */
    void stagingAttemptFailed(String studyId, Map<String, Object> series, String message, long processInstanceKey) {
        metrics.failure(studyId, "technical");
        try {
            long requestId = SeriesObjects.requestId(series);
            requests.requireOwned(requestId, studyId, processInstanceKey);
            studies.markSeries(requestId, SeriesObjects.uid(series), SeriesStatus.FAILED, null, message, null);
        } catch (RuntimeException e) {
            log.warn("could not record the failure of series {}: {}", SeriesObjects.uid(series), e.getMessage());
        }
    }

    private IntConsumer throttledProgress(long requestId, String seriesUid) {
        long interval = properties.progressInterval().toNanos();
        int every = Math.max(1, properties.progressInstances());
        long[] last = {System.nanoTime(), 0};
        // Called from the stager's threads: serialize, and write only every N instances or T seconds.
        return staged -> {
            synchronized (last) {
                long now = System.nanoTime();
                if (staged - last[1] >= every || now - last[0] >= interval) {
                    last[0] = now;
                    last[1] = staged;
                    studies.markSeries(requestId, seriesUid, SeriesStatus.STAGING, staged, null, null);
                }
            }
        };
    }
}
