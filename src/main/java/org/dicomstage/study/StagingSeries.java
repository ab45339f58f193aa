package org.dicomstage.study;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** What the held copy carries as text (see {@link SeriesTexts}); loaded only when asked for. */
    @ElementCollection
    @CollectionTable(name = "staging_series_text", joinColumns = @JoinColumn(name = "series_id"))
    @OrderColumn(name = "item_index")
    private List<SeriesText> texts = new ArrayList<>();

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
        // Pending again means the held copy was deleted; staging means it is being written anew: either way the
        // texts of the previous copy no longer describe what would leave.
        if (status != this.status && (status == SeriesStatus.PENDING || status == SeriesStatus.STAGING)) {
            texts.clear();
        }
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

    /** Replaces the texts with those of the copy just staged: a series staged again never lists a value twice. */
    void texts(SeriesTexts texts) {
        this.texts.clear();
        this.texts.addAll(SeriesText.rows(texts));
    }

    SeriesTexts texts() {
        return SeriesText.texts(texts);
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
