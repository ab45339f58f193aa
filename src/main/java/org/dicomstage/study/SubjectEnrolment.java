package org.dicomstage.study;

/** A subject's enrolment in one study. The site is null when the enrolment has none. */
public record SubjectEnrolment(String pid, String studySubjectId, String siteId, String siteName) {
}
