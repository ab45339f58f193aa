package org.dicomstage.workflow;

import java.util.Optional;

import java.util.Arrays;
import java.util.List;

import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Which staging request a process works on, and that it is its own. The database allows one open request per
 * (study, subject, Study0 study); a process binds that request to itself (a conditional update) and from then on
 * every write names the request and is checked against the process. A request another process owns is busy: it
 * is shown, never taken over.
 */
@Component
class RequestSlots {

    /** Attempts to open or bind a request before giving up on a study another caller keeps opening and closing. */
    private static final int ATTEMPTS = 3;

    private final StudyService studies;

    RequestSlots(StudyService studies) {
        this.studies = studies;
    }

    /** Exactly one is set: the request this process works on, or the open request of another process. */
    record RequestSlot(Long requestId, StagingRequestView busyWith) {
    }

    /**
     * The process's request for this subject and Study0 study: its own open one, the one the lookup's Edit opened
     * for it ({@code startRequestId}), or a new one. Busy when another process owns the open one, or when it has no
     * owner yet and was not opened for this process (an Edit that is still starting its process).
     */
    RequestSlot slotFor(String requestedBy, String studyId, String pid, String study0StudyUid, Long startRequestId,
                        long processInstanceKey) {
        StagingRequestView lastSeen = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<StagingRequestView> open = studies.findOpenRequest(studyId, pid, study0StudyUid);
            long id;
            if (open.isPresent()) {
                lastSeen = open.get();
                Long owner = lastSeen.processInstanceKey();
                boolean ours = owner != null ? owner == processInstanceKey
                        : startRequestId != null && startRequestId == lastSeen.id();
                if (!ours) {
                    return new RequestSlot(null, lastSeen);
                }
                id = lastSeen.id();
            } else {
                try {
                    id = studies.createStagingRequest(new NewStagingRequest(requestedBy, studyId, pid, study0StudyUid));
                } catch (DataIntegrityViolationException e) {
                    continue; // someone opened it a moment ago: look again, it is theirs or ours
                }
            }
            if (studies.bindProcess(id, processInstanceKey)) {
                return new RequestSlot(id, null);
            }
        }
        StagingRequestView busy = lastSeen != null ? lastSeen
                : studies.findOpenRequest(studyId, pid, study0StudyUid).orElse(null);
        if (busy == null) {
            throw new IllegalStateException("could not open a staging request for study " + study0StudyUid
                    + " after " + ATTEMPTS + " attempts");
        }
        return new RequestSlot(null, busy);
    }

    /**
     * The request a series object names, if it belongs to the study and to this process. Variables can be forged
     * by a form; the request's owner in the database cannot.
     */
    StagingRequestView requireOwned(long requestId, String studyId, long processInstanceKey) {
        StagingRequestView request = studies.stagingRequest(requestId);
        if (!request.studyIdentifier().equals(studyId)) {
            throw new RejectedInput("staging request " + requestId + " belongs to study '"
                    + request.studyIdentifier() + "', not to '" + studyId + "'");
        }
        if (request.processInstanceKey() == null || request.processInstanceKey() != processInstanceKey) {
            throw new RejectedInput("staging request " + requestId
                    + " belongs to another process instance (" + request.processInstanceKey() + "), not to "
                    + processInstanceKey);
        }
        return request;
    }

    /** Where the requests page shows a request. */
    static String link(long requestId) {
        return "/requests.html?request=" + requestId;
    }

    /**
     * Closes every staging request of the process instance (see {@link StudyService#closeRequestsOf}), so Edit on
     * the lookup page starts a new one instead of resuming a finished process. Closing twice changes nothing.
     *
     * @param outcome the close task's header, a {@link RequestOutcome} name
     */
    List<Long> closeRequests(long processInstanceKey, String outcome) {
        RequestOutcome how;
        try {
            how = RequestOutcome.valueOf(outcome == null ? "" : outcome);
        } catch (IllegalArgumentException e) {
            throw new RejectedInput("the task's " + ProcessDefinition.Headers.REQUEST_OUTCOME + " header is '" + outcome
                    + "', not one of " + Arrays.toString(RequestOutcome.values()));
        }
        return studies.closeRequestsOf(processInstanceKey, how);
    }
}
