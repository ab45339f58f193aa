package org.dicomstage.study;

/** A user is not a member of a study, or lacks the right an operation needs. */
public class StudyAccessDenied extends RuntimeException {

    private final String username;
    private final String studyIdentifier;
    private final Right missingRight;

    public StudyAccessDenied(String username, String studyIdentifier, String message) {
        this(username, studyIdentifier, null, message);
    }

    public StudyAccessDenied(String username, String studyIdentifier, Right missingRight, String message) {
        super(message);
        this.username = username;
        this.studyIdentifier = studyIdentifier;
        this.missingRight = missingRight;
    }

    public String username() {
        return username;
    }

    public String studyIdentifier() {
        return studyIdentifier;
    }

    /** The right the user lacks as a member of the study; null when they are not a member at all. */
    public Right missingRight() {
        return missingRight;
    }
}
