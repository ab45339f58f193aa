package org.dicomstage.study;

/** A member tried what only a coordinator or admin of the study may do; the message says so in the user's words. */
public class RoleRequired extends StudyAccessDenied {

    public RoleRequired(String username, String studyIdentifier, String message) {
        super(username, studyIdentifier, message);
    }
}
