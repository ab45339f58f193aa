package org.dicomstage.workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.pseudonym.Pseudonymizer;
import org.dicomstage.staging.PublicationResult;
import org.dicomstage.staging.StagingService;
import org.dicomstage.staging.VerifiedCopyStore;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StudyService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The two ends of a held copy: published to the project archive on Accept, or deleted on Send back, Abort and
 * Cancel. Both act only on the process's own requests.
 */
@Service
class HoldingArea {

    private static final Logger log = LoggerFactory.getLogger(HoldingArea.class);

    static final String SERIES_PUBLISHED = "SERIES_PUBLISHED";
    static final String HOLDING_CLEARED = "HOLDING_CLEARED";

    /** How long the cancel path waits for a series another worker is staging or verifying to be let go. */
    static final Duration CANCEL_CLAIM_WAIT = Duration.ofMinutes(10);
    private static final Duration CANCEL_CLAIM_POLL = Duration.ofMillis(500);

    private final StagingTargets targets;
    private final SeriesClaims claims;
    private final StagingService staging;
    private final StudyService studies;
    private final VerifiedCopyStore verifiedCopies;
    private final TransactionTemplate transaction;

    HoldingArea(StagingTargets targets, SeriesClaims claims, StagingService staging, StudyService studies,
                VerifiedCopyStore verifiedCopies, PlatformTransactionManager transactions) {
        this.transaction = new TransactionTemplate(transactions);
        this.verifiedCopies = verifiedCopies;
        this.targets = targets;
        this.claims = claims;
        this.staging = staging;
        this.studies = studies;
    }

    /**
     * Publishes every confirmed series (each must be verified in the holding node, or published by an earlier
     * attempt of this job), checks each published copy against the held one, then deletes the held copies. A
     * published copy that differs fails the job: the engine retries it, and an incident names the series.
     */
    List<Map<String, Object>> publish(String studyId, List<Map<String, Object>> expandedSelection,
                                      List<String> confirmedSeriesUids, long processInstanceKey) {
        Set<String> confirmed = new LinkedHashSet<>(confirmedSeriesUids == null ? List.of() : confirmedSeriesUids);
        DicomNode project = targets.projectNode(studyId);
        List<StagingTargets.Target> published = new ArrayList<>();
        List<Map<String, Object>> report = new ArrayList<>();
        StagingTargets.Resolver resolver = targets.resolver(studyId, processInstanceKey);
        for (Map<String, Object> series : expandedSelection == null ? List.<Map<String, Object>>of() : expandedSelection) {
            if (!confirmed.contains(SeriesObjects.uid(series))) {
                continue;
            }
            StagingTargets.Target t = resolver.target(series);
            SeriesStatus status = t.row().status();
            if (status != SeriesStatus.VERIFIED && status != SeriesStatus.PUBLISHED) {
                throw new RejectedInput("series " + t.row().seriesInstanceUid() + " is " + status
                        + ", not verified: only a verified copy is published");
            }
            // What verification read: an instance changed in the holding node since is not sent.
            PublicationResult result = claims.withClaim(t, () -> staging.publish(t.spec(), project,
                    verifiedCopies.find(t.request().id(), t.row().seriesInstanceUid()).orElse(null)));
            String what = SeriesObjects.label(series) + " (" + t.row().seriesInstanceUid() + ")";
            if (!result.verified()) {
                throw new IllegalStateException("publishing " + what + " to node '" + project.name()
                        + "' did not give the verified copy: " + String.join("; ", result.problems()));
            }
            // The series' state and its audit row in one transaction: one commit, never one without the other.
            transaction.executeWithoutResult(tx -> {
                studies.markSeries(t.request().id(), t.row().seriesInstanceUid(), SeriesStatus.PUBLISHED, null, null,
                        null);
                studies.record(t.request().requestedBy(), SERIES_PUBLISHED, studyId, t.request().pid(), what
                        + " -> " + result.seriesInstanceUID() + " in node '" + project.name() + "': "
                        + result.instances() + " instance(s), UIDs and digests checked against the "
                        + result.reference() + " copy");
            });
            published.add(t);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(SeriesObjects.SERIES_UID, result.seriesInstanceUID());
            row.put(SeriesObjects.DESCRIPTION, SeriesObjects.label(series));
            row.put("instances", result.instances());
            // What PatientID reads in the copy: the end page names the subject as the project archive does.
            row.put("patientId", new Pseudonymizer(t.spec().profile(), t.spec().context()).patientPseudonym());
            row.put("archiveNode", project.name());
            row.put("result", "published to '" + project.name() + "': count, UIDs and digests match the "
                    + result.reference() + " copy");
            report.add(row);
        }
        if (report.isEmpty()) {
            throw new RejectedInput("nothing to publish: no confirmed series in the selection");
        }
        // Only once every series is in the project archive: a retry after a failure still finds the held copies.
        published.forEach(t -> staging.clearHeld(t.spec()));
        return report;
    }

    /**
     * The cancel path: records the cancel on the process's open requests (who, why), so that no series of them
     * starts staging and a stager still running stops at its next progress report; then waits for each series to
     * be let go by whoever works on it and deletes it from the holding node, as {@link #clear}. A worker that was
     * interrupted mid-series has written only into the holding node, which this empties after it stopped; its work
     * files are its own and deleted when it stops.
     *
     * @return the number of series cleared
     */
    int cancel(String studyId, long processInstanceKey, String cancelledBy, String reason) {
        List<Long> cancelled = studies.cancelRequestsOf(processInstanceKey, cancelledBy,
                reason == null || reason.isBlank() ? "no reason given" : reason);
        log.info("cancelling staging request(s) {} of process instance {} for {}", cancelled, processInstanceKey,
                cancelledBy);
        return clear(studyId, processInstanceKey, CANCEL_CLAIM_WAIT);
    }

    /**
     * Deletes every series of the process's requests from the holding node, and marks those not failed PENDING
     * again: nothing of them is held any more, and nothing reached the project archive.
     *
     * @return the number of series cleared
     */
    int clear(String studyId, long processInstanceKey) {
        return clear(studyId, processInstanceKey, Duration.ZERO);
    }

    /** @param claimWait how long to wait for a series another worker holds; zero fails the job at once (retried) */
    private int clear(String studyId, long processInstanceKey, Duration claimWait) {
        int cleared = 0;
        StagingTargets.Resolver resolver = targets.resolver(studyId, processInstanceKey);
        for (StagingRequestView request : studies.requestsOf(processInstanceKey)) {
            if (!request.studyIdentifier().equals(studyId)) {
                throw new RejectedInput("staging request " + request.id() + " belongs to study '"
                        + request.studyIdentifier() + "', not to '" + studyId + "'");
            }
            int instances = 0;
            for (StagingSeriesView row : request.series()) {
                StagingTargets.Target t = resolver.target(SeriesObjects.reference(row, request.id()));
                int deleted = clearHeld(t, claimWait);
                instances += Math.max(0, deleted);
                if (row.status() != SeriesStatus.FAILED && row.status() != SeriesStatus.PENDING) {
                    studies.markSeries(request.id(), row.seriesInstanceUid(), SeriesStatus.PENDING, 0, null, null);
                }
                cleared++;
            }
            if (!request.series().isEmpty()) {
                studies.record(request.requestedBy(), HOLDING_CLEARED, studyId, request.pid(), "request "
                        + request.id() + ": " + request.series().size() + " series, " + instances
                        + " instance(s) deleted from the holding node");
                log.info("cleared {} series of request {} from the holding node", request.series().size(),
                        request.id());
            }
        }
        return cleared;
    }

    private int clearHeld(StagingTargets.Target t, Duration claimWait) {
        long deadline = System.nanoTime() + claimWait.toNanos();
        while (true) {
            try {
                return claims.withClaim(t, () -> staging.clearHeld(t.spec()));
            } catch (SeriesBusy e) {
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(CANCEL_CLAIM_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for series "
                        + t.row().seriesInstanceUid() + " to be let go", e);
            }
        }
    }
}
