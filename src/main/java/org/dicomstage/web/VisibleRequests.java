package org.dicomstage.web;

import org.dicomstage.study.AuditActions;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyNotFound;
import org.dicomstage.study.StudyService;

/**
 * A staging request the user may see. An unknown id is refused like someone else's request, with the same words and
 * status, so ids cannot be probed; both are audited.
 */
final class VisibleRequests {

    private VisibleRequests() {
    }

    static StagingRequestView require(StudyService studies, String user, long id) {
        try {
            return studies.stagingRequest(user, id);
        } catch (StudyNotFound e) {
            studies.record(user, AuditActions.ACCESS_DENIED, null, null, "request " + id + ": not found");
            throw notVisible(id);
        } catch (StudyAccessDenied e) {
            throw notVisible(id);
        }
    }

    private static ApiErrors.Forbidden notVisible(long id) {
        return new ApiErrors.Forbidden("request " + id, "There is no staging request " + id
                + " in the studies you may look up.");
    }
}
