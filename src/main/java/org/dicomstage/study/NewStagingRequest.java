package org.dicomstage.study;

import java.util.Objects;

/** A user's request to stage series of one Study0 study of one subject into a research study's archive. */
public record NewStagingRequest(String username, String studyIdentifier, String pid, String study0StudyInstanceUid) {

    public NewStagingRequest {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(studyIdentifier, "studyIdentifier");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(study0StudyInstanceUid, "study0StudyInstanceUid");
    }
}
