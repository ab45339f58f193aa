package org.dicomstage.workflow;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.dicomstage.study.StudyService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Claims on staging_series rows: a worker stages or publishes a series only while it holds the claim, renewed while
 * it works, so a job handed out again (timeout) cannot copy the same series in parallel; a crashed worker's claim
 * expires after {@link #CLAIM_LEASE}.
 */
@Component
class SeriesClaims {

    private static final Logger log = LoggerFactory.getLogger(SeriesClaims.class);

    static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
    private static final Duration CLAIM_RENEWAL = Duration.ofSeconds(30);
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();
    private final ScheduledExecutorService claimRenewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "series-claim-renewer");
        t.setDaemon(true);
        return t;
    });

    private final StudyService studies;

    SeriesClaims(StudyService studies) {
        this.studies = studies;
    }

    /**
     * Runs the body while holding the claim on the series' row, renewed while it runs: staging and publishing a
     * series are done by one worker at a time, even when a job is handed out again after a timeout.
     */
    <T> T withClaim(StagingTargets.Target t, Supplier<T> body) {
        String owner = INSTANCE + "/" + UUID.randomUUID();
        if (!studies.claimSeries(t.request().id(), t.row().seriesInstanceUid(), owner, CLAIM_LEASE)) {
            throw new SeriesBusy("series " + t.row().seriesInstanceUid() + " of staging request " + t.request().id()
                    + " is being worked on by another worker right now");
        }
        ScheduledFuture<?> renewal = claimRenewer.scheduleAtFixedRate(() -> renewClaim(t, owner),
                CLAIM_RENEWAL.toMillis(), CLAIM_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return body.get();
        } finally {
            renewal.cancel(false);
            studies.releaseSeries(t.request().id(), t.row().seriesInstanceUid(), owner);
        }
    }

    private void renewClaim(StagingTargets.Target t, String owner) {
        try {
            if (!studies.claimSeries(t.request().id(), t.row().seriesInstanceUid(), owner, CLAIM_LEASE)) {
                log.error("lost the claim on series {} of staging request {}: another worker may stage it too",
                        t.row().seriesInstanceUid(), t.request().id());
            }
        } catch (RuntimeException e) {
            log.warn("renewing the claim on series {} failed: {}", t.row().seriesInstanceUid(), e.getMessage());
        }
    }
}
