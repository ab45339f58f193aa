package org.dicomstage.study;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

@Entity
@Table(name = "enrolment")
class Enrolment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "subject_id")
    private Subject subject;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "study_id")
    private Study study;

    @Column(name = "study_subject_id", nullable = false)
    private String studySubjectId;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "site_id")
    private Site site;

    protected Enrolment() {
    }

    Enrolment(Subject subject, Study study, String studySubjectId, Site site) {
        this.subject = subject;
        this.study = study;
        this.studySubjectId = studySubjectId;
        this.site = site;
    }

    Subject subject() {
        return subject;
    }

    Study study() {
        return study;
    }

    String studySubjectId() {
        return studySubjectId;
    }

    Site site() {
        return site;
    }

    SubjectEnrolment view() {
        return new SubjectEnrolment(subject.pid(), studySubjectId, site == null ? null : site.id(),
                site == null ? null : site.name());
    }

    @Override
    public String toString() {
        return "Enrolment[" + id + "]";
    }
}
