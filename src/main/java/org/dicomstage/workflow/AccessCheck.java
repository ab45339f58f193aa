package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicomstage.study.StudyService;
import org.dicomstage.study.StagingAccess;
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
        // One transaction and one membership lookup for activate, STAGE and the subject list.
        StagingAccess access = studies.stagingAccess(requestedBy, studyId, true);
        List<Map<String, Object>> options = new ArrayList<>();
        for (SubjectEnrolment e : access.subjects()) {
            options.add(SeriesObjects.option(e.studySubjectId(),
                    e.studySubjectId() + (e.siteName() == null ? "" : " (" + e.siteName() + ")")));
        }
        return new AccessGranted(access.study().name(), options);
    }
}
