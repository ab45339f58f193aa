package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * Series are separate rows, not a collection here, so that per-series progress never changes (and never
 * version-conflicts on) this row.
 */
@Entity
@Table(name = "staging_request")
class StagingRequest {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "study_id")
    private Study study;

    // Copied rather than referenced: the request records what was asked for, even if an enrolment changes later.
    @Column(nullable = false)
    private String pid;

    @Column(name = "study_subject_id", nullable = false)
    private String studySubjectId;

    @Column(name = "study0_study_uid", nullable = false)
    private String study0StudyUid;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Column(name = "requested_at", nullable = false)
    private Instant requestedAt;

    @Column(name = "process_instance_key")
    private Long processInstanceKey;

    @Column(name = "closed_at")
    private Instant closedAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "outcome", length = 32)
    private RequestOutcome outcome;

    /** TRUE while open, null once closed: the unique constraint on it allows one open request per study0 study. */
    @Column(name = "open_marker")
    private Boolean openMarker = Boolean.TRUE;

    @Column(name = "cancelled_at")
    private Instant cancelledAt;

    @Column(name = "cancelled_by", length = 100)
    private String cancelledBy;

    @Column(name = "cancel_reason", length = 1000)
    private String cancelReason;

    protected StagingRequest() {
    }

    StagingRequest(Study study, String pid, String studySubjectId, String study0StudyUid, String requestedBy,
                   Instant requestedAt) {
        this.study = study;
        this.pid = pid;
        this.studySubjectId = studySubjectId;
        this.study0StudyUid = study0StudyUid;
        this.requestedBy = requestedBy;
        this.requestedAt = requestedAt;
    }

    Long id() {
        return id;
    }

    Study study() {
        return study;
    }

    String pid() {
        return pid;
    }

    String studySubjectId() {
        return studySubjectId;
    }

    String study0StudyUid() {
        return study0StudyUid;
    }

    String requestedBy() {
        return requestedBy;
    }

    Instant requestedAt() {
        return requestedAt;
    }

    Long processInstanceKey() {
        return processInstanceKey;
    }

    Instant closedAt() {
        return closedAt;
    }

    RequestOutcome outcome() {
        return outcome;
    }

    void processInstanceKey(long key) {
        this.processInstanceKey = key;
    }

    /** Null unless the request's process took its cancel path. */
    Cancellation cancellation() {
        return cancelledAt == null ? null : new Cancellation(cancelledAt, cancelledBy, cancelReason);
    }

    /** Records the cancel once: the first who cancelled, and why, stay. False if it was cancelled already. */
    boolean cancel(Instant when, String by, String reason) {
        if (cancelledAt != null) {
            return false;
        }
        cancelledAt = when;
        cancelledBy = by;
        cancelReason = reason;
        return true;
    }

    /** Closes for good; a closed request keeps its first closing time and outcome. False if it was closed. */
    boolean close(Instant when, RequestOutcome how) {
        if (closedAt != null) {
            return false;
        }
        closedAt = when;
        outcome = how;
        openMarker = null;
        return true;
    }

    @Override
    public String toString() {
        return "StagingRequest[" + id + "]";
    }
}
