package org.dicomstage.staging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.pseudonym.UidMapper;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Stage and verify one series, and tell how much of a Study0 study a project already holds.
 * Idempotent: the copy's UIDs are a keyed function of the source UIDs, so doing it again replaces
 * the same instances.
 */
@Service
public class StagingService {

    private final SeriesStager stager;
    private final SeriesVerifier verifier = new SeriesVerifier();
    private final int verificationAssociations;
    private final NodePermits permits;
    private final SeriesPublisher publisher;

    /** One process without a shared database: only each node's own in-process bound applies. */
    public StagingService(int concurrency) {
        this(concurrency, 1);
    }

    /** As {@link #StagingService(int)}, reading a copy back over up to {@code verificationAssociations} at once. */
    public StagingService(int concurrency, int verificationAssociations) {
        this(concurrency, verificationAssociations, NodePermits.inProcessOnly());
    }

    /** Every association to an archive first takes one of its cluster-wide slots ({@link DatabaseNodePermits}). */
    @Autowired
    StagingService(@Value("${dicomstage.staging.concurrency:4}") int concurrency,
                   @Value("${dicomstage.verification.associations:1}") int verificationAssociations,
                   NodePermits permits) {
        if (verificationAssociations < 1) {
            throw new IllegalArgumentException("dicomstage.verification.associations must be at least 1, was "
                    + verificationAssociations);
        }
        this.stager = new SeriesStager(concurrency, permits);
        this.verificationAssociations = verificationAssociations;
        this.permits = permits;
        this.publisher = new SeriesPublisher(permits);
    }

    /**
     * Copies one series. Business failures (an instance that cannot be pseudonymized, a missing series)
     * come back as a FAILED result naming the instance; technical failures are thrown
     * ({@link StagingException}, {@link org.dicomstage.dicom.DicomNodeException}) and are worth a retry.
     *
     * @param progress receives the number of instances stored so far
     */
    public StageResult stage(SeriesStagingSpec spec, IntConsumer progress) {
        return stager.stage(spec, progress);
    }

    public StageResult stage(SeriesStagingSpec spec) {
        return stage(spec, n -> { });
    }

    /** Reads back the copy of one series and checks it against the source. */
    public SeriesVerification verify(SeriesStagingSpec spec) {
        // One association at a time per node; target before source, in the stager's order, so no two callers
        // can each hold what the other waits for.
        try (NodePermits.Lease t = permits.acquire(spec.target().name(), 1);
             NodePermits.Lease s = permits.acquire(spec.source().name(), 1)) {
            return verifier.verify(spec);
        }
    }

    /**
     * Reads back only the copy of one series and checks it against what staging recorded of the source
     * ({@link StageResult#sourceDigests()}); without a record (a series staged before they were kept), reads the
     * source back as well. The source is asked only to name dangling references, if the copy has any.
     */
    public SeriesVerification verify(SeriesStagingSpec spec, SourceDigests recorded) {
        if (recorded == null) {
            return verify(spec);
        }
        // Several associations where slots are free, but none that a small series would leave idle while other
        // jobs wait for them. One by default: on 2 cores with the archives on the same host, two measured no faster
        // (README); they pay where each instance waits for a round trip to a remote archive.
        int parts = SplitRetrieval.parts(recorded.listedCount(), verificationAssociations);
        try (NodePermits.Lease t = permits.acquire(spec.target().name(), parts)) {
            return verifier.verify(spec, recorded, t.count(), dangling -> {
                // Target before source, as everywhere: the target's slot is held already.
                try (NodePermits.Lease s = permits.acquire(spec.source().name(), 1)) {
                    return DanglingReferences.describe(dangling, spec.source(), spec.studyInstanceUID(),
                            new UidMapper(spec.context().studySecret()), spec.target().name());
                }
            });
        }
    }

    /**
     * Publishes the held copy of a staged series: {@code spec.target()} is the holding node it was staged and
     * verified in; the copy goes to {@code project} unchanged, only as far as it is still the verified one, and is
     * checked there against it. Technical failures are thrown and worth a retry; a held copy changed since it was
     * verified, or a published copy that differs, comes back with its problems.
     *
     * @param verified what verification read of the copy ({@link VerifiedCopyStore}), or null for a series verified
     *                 before those records were kept: the held copy is then the reference
     */
    public PublicationResult publish(SeriesStagingSpec spec, DicomNode project, Map<String, InstanceDigest> verified) {
        UidMapper uids = new UidMapper(spec.context().studySecret());
        return publisher.publish(spec.target(), project, uids.map(spec.studyInstanceUID()),
                uids.map(spec.seriesInstanceUID()), verified);
    }

    /**
     * Deletes the held copy of a series from {@code spec.target()}, the holding node; a series that is not held
     * (never staged, or deleted before) is no error.
     *
     * @return the instances deleted, or -1 where the node does not tell
     */
    public int clearHeld(SeriesStagingSpec spec) {
        UidMapper uids = new UidMapper(spec.context().studySecret());
        try (NodePermits.Lease held = permits.acquire(spec.target().name(), 1)) {
            return spec.target().deleteSeries(uids.map(spec.studyInstanceUID()), uids.map(spec.seriesInstanceUID()));
        }
    }

    /** How many series of a Study0 study the project node holds completely. */
    public StagedStatus stagedStatus(DicomNode source, DicomNode target, byte[] studySecret, String studyInstanceUID) {
        try (NodePermits.Lease t = permits.acquire(target.name(), 1);
             NodePermits.Lease s = permits.acquire(source.name(), 1)) {
            return stagedStatus(source, target, new UidMapper(studySecret), studyInstanceUID);
        }
    }

    private static StagedStatus stagedStatus(DicomNode source, DicomNode target, UidMapper uids,
                                             String studyInstanceUID) {
        List<SeriesEntry> sourceSeries = source.findSeries(studyInstanceUID);
        if (sourceSeries.isEmpty()) {
            return StagedStatus.of(0, 0);
        }
        Map<String, Integer> targetCounts = new HashMap<>();
        for (SeriesEntry s : target.findSeries(uids.map(studyInstanceUID))) {
            targetCounts.put(s.seriesInstanceUID(), s.numberOfSeriesRelatedInstances());
        }
        int staged = 0;
        for (SeriesEntry s : sourceSeries) {
            Integer count = targetCounts.get(uids.map(s.seriesInstanceUID()));
            if (count != null && count >= s.numberOfSeriesRelatedInstances()) {
                staged++;
            }
        }
        return StagedStatus.of(staged, sourceSeries.size());
    }
}
