package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicomstage.pseudonym.Pseudonymizer;
import org.dicomstage.staging.SeriesStagingSpec;
import org.dicomstage.staging.SeriesVerification;
import org.dicomstage.staging.SourceDigestStore;
import org.dicomstage.staging.StagingService;
import org.dicomstage.staging.VerifiedCopyStore;
import org.dicomstage.study.ReviewSettings;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.SeriesTexts;
import org.dicomstage.study.StudyService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Verify staged copy: the held copy read back and compared with Study0, series by series, for the review. */
@Service
class CopyVerification {

    static final String SERIES_VERIFIED = "SERIES_VERIFIED";
    static final String SERIES_VERIFICATION_FAILED = "SERIES_VERIFICATION_FAILED";

    private final StudyService studies;
    private final StagingService staging;
    private final StagingTargets targets;
    private final ReviewSettings review;
    private final SourceDigestStore digests;
    private final VerifiedCopyStore verifiedCopies;
    private final TransactionTemplate transaction;

    CopyVerification(StudyService studies, StagingService staging, StagingTargets targets, ReviewSettings review,
                     SourceDigestStore digests, VerifiedCopyStore verifiedCopies,
                     PlatformTransactionManager transactions) {
        this.digests = digests;
        this.verifiedCopies = verifiedCopies;
        this.transaction = new TransactionTemplate(transactions);
        this.studies = studies;
        this.staging = staging;
        this.targets = targets;
        this.review = review;
    }

    /**
     * @param keptDescriptors       what leaves the archive as text, per series: {@link KeptDescriptorRows}
     * @param pseudonymizedIdentity who the patient is in the copy, per subject: {@link ReviewIdentity}
     * @param reviewCandidates      login names the review is offered to (the study's reviewers, less the requester
     *                              under four eyes)
     * @param fourEyes              whether the study requires a reviewer other than the requester
     */
    record VerificationOutcome(boolean verified, List<Map<String, Object>> verificationReport,
                               List<Map<String, Object>> failedSeries, List<Map<String, Object>> stagingProblems,
                               List<Map<String, Object>> keptDescriptors,
                               List<Map<String, Object>> pseudonymizedIdentity, List<String> reviewCandidates,
                               boolean fourEyes) {
    }

    /** Verifies every confirmed series, also those staged in an earlier round, so the report is complete. */
    VerificationOutcome verify(String studyId, List<Map<String, Object>> expandedSelection,
                               List<String> confirmedSeriesUids, long processInstanceKey) {
        Set<String> confirmed = new LinkedHashSet<>(confirmedSeriesUids == null ? List.of() : confirmedSeriesUids);
        List<Map<String, Object>> report = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<Map<String, Object>> problems = new ArrayList<>();
        List<KeptDescriptorRows.Series> texts = new ArrayList<>();
        Map<Long, Map<String, SeriesTexts>> textsByRequest = new HashMap<>();
        ReviewIdentity identity = new ReviewIdentity();
        StagingTargets.Resolver resolver = targets.resolver(studyId, processInstanceKey);
        String requestedBy = null;
        for (Map<String, Object> series : expandedSelection == null ? List.<Map<String, Object>>of() : expandedSelection) {
            if (!confirmed.contains(SeriesObjects.uid(series))) {
                continue;
            }
            StagingTargets.Target t = resolver.target(series);
            requestedBy = requestedBy == null ? t.request().requestedBy() : requestedBy;
            String what = SeriesObjects.label(series) + " (" + t.row().seriesInstanceUid() + ")";
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(SeriesObjects.DESCRIPTION, SeriesObjects.label(series));
            String problem;
            if (t.row().status() == SeriesStatus.FAILED || t.row().status() == SeriesStatus.PENDING
                    || t.row().status() == SeriesStatus.STAGING) {
                problem = t.row().status() == SeriesStatus.FAILED && t.row().failureReason() != null
                        ? "staging failed: " + t.row().failureReason() : "not staged (" + t.row().status() + ")";
                row.put(SeriesObjects.SERIES_UID, t.row().targetSeriesInstanceUid());
                row.put("expectedInstances", t.row().expectedInstances());
                row.put("stagedInstances", t.row().stagedInstances());
                row.put("checks", "not verified");
                row.put("result", "FAILED: " + problem);
            } else {
                // Only the copy is read back, compared with what staging recorded of Study0.
                SeriesVerification v = staging.verify(t.spec(),
                        digests.find(t.request().id(), t.row().seriesInstanceUid()).orElse(null));
                row.put(SeriesObjects.SERIES_UID, v.targetSeriesInstanceUID());
                row.put("expectedInstances", v.sourceInstances());
                row.put("stagedInstances", v.targetInstances());
                row.put("checks", CheckWords.sentence(v));
                identity.add(t.request().studySubjectId(), t.spec().profile(), dateShiftDays(t.spec()), v.identity());
                problem = v.verified() ? null : String.join("; ", v.problems());
                row.put("result", v.verified()
                        ? (v.warnings().isEmpty() ? "OK" : "OK with warnings: " + String.join("; ", v.warnings()))
                        : "FAILED: " + problem);
                String failure = problem;
                // The series' state, what publishing will check the copy against, and the audit row in one
                // transaction: one commit, and never one without the others.
                transaction.executeWithoutResult(status -> {
                    if (v.verified()) {
                        verifiedCopies.replace(t.request().id(), t.row().seriesInstanceUid(), v.copy());
                    } else {
                        verifiedCopies.delete(t.request().id(), t.row().seriesInstanceUid());
                    }
                    studies.markSeries(t.request().id(), t.row().seriesInstanceUid(),
                            v.verified() ? SeriesStatus.VERIFIED : SeriesStatus.FAILED, null,
                            v.verified() ? null : "verification: " + failure, null);
                    studies.record(t.request().requestedBy(), v.verified() ? SERIES_VERIFIED
                            : SERIES_VERIFICATION_FAILED, studyId, t.request().pid(), what + (v.verified() ? ": OK"
                            : ": " + failure));
                });
            }
            report.add(row);
            texts.add(new KeptDescriptorRows.Series(SeriesObjects.label(series), textsByRequest
                    .computeIfAbsent(t.request().id(), studies::seriesTexts)
                    .getOrDefault(t.row().seriesInstanceUid(), SeriesTexts.NONE)));
            if (problem != null) {
                failed.add(series);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put(SeriesObjects.SERIES_UID, t.row().seriesInstanceUid());
                p.put(SeriesObjects.DESCRIPTION, SeriesObjects.label(series));
                p.put("problem", problem);
                problems.add(p);
            }
        }
        if (report.isEmpty()) {
            throw new RejectedInput("nothing to verify: no confirmed series in the selection");
        }
        ReviewSettings.Offer offer = review.offer(studyId, requestedBy);
        return new VerificationOutcome(failed.isEmpty(), report, failed, problems, KeptDescriptorRows.rows(texts),
                identity.rows(), offer.candidates(), offer.fourEyes());
    }

    /** The subject's date shift, as the pseudonymizer derives it from the study secret (0 unless shifted). */
    private static int dateShiftDays(SeriesStagingSpec spec) {
        return new Pseudonymizer(spec.profile(), spec.context()).dateShiftDays();
    }
}
