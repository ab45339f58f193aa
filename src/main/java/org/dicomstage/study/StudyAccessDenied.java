package org.dicomstage.study;

/** A user is not a member of a study, or lacks the right an operation needs. */
public class StudyAccessDenied extends RuntimeException {

    private final String username;
    private final String studyIdentifier;

    public StudyAccessDenied(String username, String studyIdentifier, String message) {
        super(message);
        this.username = username;
        this.studyIdentifier = studyIdentifier;
    }

    public String username() {
        return username;
    }

    public String studyIdentifier() {
        return studyIdentifier;
    }
}
