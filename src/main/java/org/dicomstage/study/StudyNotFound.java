package org.dicomstage.study;

/** A study, subject, enrolment or staging request that callers referred to does not exist. */
public class StudyNotFound extends RuntimeException {

    public StudyNotFound(String message) {
        super(message);
    }
}
