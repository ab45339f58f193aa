package org.dicomstage.study;

import java.util.List;

/**
 * A member's access to stage in a study, checked once ({@link StudyService#stagingAccess}), with the subjects they
 * can choose from.
 *
 * @param study    the study (without an enrolment)
 * @param subjects every subject enrolled in the study, as {@link StudyService#enrolledSubjects} lists them
 */
public record StagingAccess(StudyDetails study, List<SubjectEnrolment> subjects) {

    public StagingAccess {
        subjects = List.copyOf(subjects);
    }
}
