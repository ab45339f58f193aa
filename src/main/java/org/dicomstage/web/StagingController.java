package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.Right;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyNotFound;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * "Edit" on a Study0 study of the lookup page starts the staging process for it, or resumes the open request,
 * and the staging progress of the study's requests.
 */
@RestController
class StagingController {

    static final String PROCESS_STARTED = "PROCESS_STARTED";

    private final StudyService studies;
    private final CamundaClient camunda;
    private final ProcessInstances instances;

    StagingController(StudyService studies, CamundaClient camunda, ProcessInstances instances) {
        this.studies = studies;
        this.camunda = camunda;
        this.instances = instances;
    }

    @PostMapping("/api/studies/{study}/subjects/{pid}/dicom-studies/{uid}/edit")
    Started edit(@PathVariable String study, @PathVariable String pid, @PathVariable String uid, Principal user) {
        String username = user.getName();
        Ids.uid("uid", uid);
        LookupController.requireEnrolled(studies, username, Ids.study(study), Ids.pid(pid), Right.STAGE);
        Optional<StagingRequestView> open = studies.findOpenRequest(study, pid, uid);
        if (open.isPresent() && open.get().processInstanceKey() != null) {
            long previous = open.get().processInstanceKey();
            String state = processState(previous);
            if ("ACTIVE".equals(state)) {
                return new Started(Long.toString(previous), true, open.get().id());
            }
            if ("TERMINATED".equals(state)) {
                // Cancelled in the engine, so no close task ran: that request is over, and its record says how.
                studies.closeRequestsOf(previous, RequestOutcome.CANCELLED);
                open = Optional.empty();
            }
        }
        String subjectId = studies.studyForStaging(study, pid).enrolment().studySubjectId();
        // The request exists before the process does, so a second Edit resumes instead of starting another one, and
        // the progress page lists it from the start. query-study0 finds it again (findOpenRequest) and fills it.
        long requestId = open.map(StagingRequestView::id).orElseGet(() -> studies.createStagingRequest(
                new NewStagingRequest(username, study, pid, uid)));
        // Pre-filled so that Activate study and Select patient only need a confirmation: the user has already
        // chosen both on the lookup page. The process still checks access itself.
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(Variables.REQUESTED_BY, username);
        variables.put(Variables.AVAILABLE_STUDIES, stageableStudies(username));
        variables.put(Variables.STUDY_ID, study);
        variables.put(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT);
        variables.put(Variables.SUBJECT_ID, subjectId);
        variables.put(Variables.STUDY0_STUDY_INSTANCE_UID, uid);
        long key = camunda.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(variables).send().join().getProcessInstanceKey();
        studies.setProcessInstanceKey(requestId, key);
        studies.record(username, PROCESS_STARTED, study, pid, "process instance " + key + ", Study0 study " + uid);
        return new Started(Long.toString(key), false, requestId);
    }

    @GetMapping("/api/studies/{study}/requests")
    List<StagingRequestView> requests(@PathVariable String study, Principal user) {
        return studies.stagingRequests(user.getName(), Ids.study(study));
    }

    @GetMapping("/api/requests/{id}")
    StagingRequestView request(@PathVariable long id, Principal user) {
        return visibleRequest(user.getName(), id);
    }

    /**
     * The verification outcome of a request's process (the verify worker's variables), for any member who may see
     * the request: only these two variables, not the process's others.
     */
    @GetMapping("/api/requests/{id}/verification")
    Verification verification(@PathVariable long id, Principal user) {
        StagingRequestView request = visibleRequest(user.getName(), id);
        if (request.processInstanceKey() == null) {
            return new Verification(null, List.of());
        }
        Map<String, Object> variables = instances.get(request.processInstanceKey())
                .map(ProcessInstances.Detail::variables).orElse(Map.of());
        return new Verification(variables.get(Variables.VERIFIED) instanceof Boolean b ? b : null,
                variables.get(Variables.VERIFICATION_REPORT) instanceof List<?> rows ? rows : List.of());
    }

    /**
     * The request if the user may see it. An unknown id is refused like someone else's request, with the same words
     * and status, so ids cannot be probed; both are audited.
     */
    private StagingRequestView visibleRequest(String user, long id) {
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

    /**
     * ACTIVE, COMPLETED or TERMINATED. An instance the engine's search does not know yet counts as ACTIVE: search
     * results lag behind, and a second process for the same study would be worse than a resume that shows no task
     * for a moment. A request whose process completed without closing it (its close job failed) is started again.
     */
    private String processState(long processInstanceKey) {
        return instances.get(processInstanceKey).map(d -> d.instance().state()).orElse("ACTIVE");
    }

    /** Options for the Activate study form: DICOM-enabled project studies in which the user may stage. */
    private List<Map<String, String>> stageableStudies(String username) {
        return studies.studiesOf(username).stream()
                .filter(s -> s.dicomEnabled() && s.rights().contains(Right.STAGE))
                .map(s -> Map.of("label", s.identifier() + " – " + s.name(), "value", s.identifier()))
                .toList();
    }

    /** @param verified null until the verify step has run */
    record Verification(Boolean verified, List<?> report) {
    }

    record Started(String processInstanceKey, boolean resumed, Long requestId) {
    }

}
