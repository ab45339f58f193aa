package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "audit_event")
class AuditEvent {

    // A sequence (V11), 50 ids per call: a transaction's audit rows are inserted as one JDBC batch.
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "audit_event_seq")
    @SequenceGenerator(name = "audit_event_seq", sequenceName = "audit_event_seq", allocationSize = 50)
    private Long id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(nullable = false)
    private String username;

    @Column(nullable = false)
    private String action;

    @Column(name = "study_identifier")
    private String studyIdentifier;

    @Column(name = "subject_pid")
    private String subjectPid;

    private String detail;

    protected AuditEvent() {
    }

    AuditEvent(Instant occurredAt, String username, String action, String studyIdentifier, String subjectPid,
               String detail) {
        this.occurredAt = occurredAt;
        this.username = username;
        this.action = action;
        this.studyIdentifier = studyIdentifier;
        this.subjectPid = subjectPid;
        this.detail = detail;
    }

    AuditEventView view() {
        return new AuditEventView(id, occurredAt, username, action, studyIdentifier, subjectPid, detail);
    }

    @Override
    public String toString() {
        return "AuditEvent[" + id + " " + action + "]";
    }
}
