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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "staging_series")
class StagingSeries {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Version
    private long version;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "request_id")
    private StagingRequest request;

    @Column(name = "study_uid", nullable = false)
    private String studyUid;

    @Column(name = "series_uid", nullable = false)
    private String seriesUid;

    private String modality;

    private String description;

    @Column(name = "instance_count", nullable = false)
    private int instanceCount;

    @Column(nullable = false)
    private boolean selected;

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(nullable = false)
    private SeriesStatus status;

    @Column(name = "expected_instances", nullable = false)
    private int expectedInstances;

    @Column(name = "staged_instances", nullable = false)
    private int stagedInstances;

    @Column(name = "failure_reason")
    private String failureReason;

    @Column(name = "target_series_uid")
    private String targetSeriesUid;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected StagingSeries() {
    }

    StagingSeries(StagingRequest request, SeriesSelection selection, boolean selected, Instant now) {
        this.request = request;
        this.seriesUid = selection.seriesInstanceUid();
        this.status = SeriesStatus.PENDING;
        describe(selection, selected, now);
    }

    /** Refreshes what the source archive says about the series; progress is left alone. */
    void describe(SeriesSelection selection, boolean selected, Instant now) {
        this.studyUid = selection.studyInstanceUid();
        this.modality = selection.modality();
        this.description = selection.description();
        this.instanceCount = selection.instanceCount();
        // A user's choice is never downgraded to "only referenced" by a later closure expansion.
        this.selected = this.selected || selected;
        if (status == SeriesStatus.PENDING) {
            this.expectedInstances = selection.instanceCount();
        }
        this.updatedAt = now;
    }

    void mark(SeriesStatus status, Integer stagedInstances, String reason, String targetSeriesUid, Instant now) {
        this.status = status;
        if (stagedInstances != null) {
            this.stagedInstances = stagedInstances;
        }
        // A reason only explains the current failure; a retry must not carry the previous one along.
        this.failureReason = status == SeriesStatus.FAILED ? (reason == null ? "unspecified" : reason) : null;
        if (targetSeriesUid != null) {
            this.targetSeriesUid = targetSeriesUid;
        }
        this.updatedAt = now;
    }

    StagingRequest request() {
        return request;
    }

    String seriesUid() {
        return seriesUid;
    }

    SeriesStatus status() {
        return status;
    }

    StagingSeriesView view() {
        return new StagingSeriesView(studyUid, seriesUid, modality, description, instanceCount, selected, status,
                expectedInstances, stagedInstances, failureReason, targetSeriesUid, updatedAt);
    }

    @Override
    public String toString() {
        return "StagingSeries[" + seriesUid + " " + status + "]";
    }
}
