package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicomstage.study.Right;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.dicomstage.study.SubjectEnrolment;
import org.springframework.stereotype.Service;

/** Check study access: membership with the STAGE right in a DICOM-enabled study, and the subjects to choose from. */
@Service
class AccessCheck {

    private final StudyService studies;

    AccessCheck(StudyService studies) {
        this.studies = studies;
    }

    record AccessGranted(String studyName, List<Map<String, Object>> enrolledSubjects) {
    }

    /** Throws StudyAccessDenied / DicomNotEnabled; both are audited by the study package. */
    AccessGranted checkAccess(String requestedBy, String studyId) {
        StudySummary study = studies.activateStudy(requestedBy, studyId);
        studies.requireRight(requestedBy, studyId, Right.STAGE);
        List<Map<String, Object>> options = new ArrayList<>();
        for (SubjectEnrolment e : studies.enrolledSubjects(requestedBy, studyId)) {
            options.add(SeriesObjects.option(e.studySubjectId(),
                    e.studySubjectId() + (e.siteName() == null ? "" : " (" + e.siteName() + ")")));
        }
        return new AccessGranted(study.name(), options);
    }
}
