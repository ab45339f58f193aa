package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.SeriesTexts;
import org.dicomstage.study.Right;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.dicomstage.workflow.StudyTenants;
import org.springframework.dao.DataIntegrityViolationException;
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
    /** How long Edit waits for a concurrent Edit's process to start before starting one itself. */
    private static final java.time.Duration STARTING_WAIT = java.time.Duration.ofSeconds(15);
    private static final java.time.Duration STARTING_POLL = java.time.Duration.ofMillis(50);

    private final StudyService studies;
    private final CamundaClient camunda;
    private final ProcessInstances instances;
    private final StudyTenants tenants;

    StagingController(StudyService studies, CamundaClient camunda, ProcessInstances instances,
                      StudyTenants tenants) {
        this.studies = studies;
        this.camunda = camunda;
        this.instances = instances;
        this.tenants = tenants;
    }

    /**
     * Resumes the process of the open request for this subject and Study0 study, or opens the request and starts a
     * process for it. The database allows one open request per study, so of several Edits at once one opens it and
     * starts the process; the others wait for that process and resume it.
     */
    @PostMapping("/api/studies/{study}/subjects/{pid}/dicom-studies/{uid}/edit")
    Started edit(@PathVariable String study, @PathVariable String pid, @PathVariable String uid, Principal user) {
        String username = user.getName();
        Ids.uid("uid", uid);
        LookupController.requireEnrolled(studies, username, Ids.study(study), Ids.pid(pid), Right.STAGE);
        long deadline = System.nanoTime() + STARTING_WAIT.toNanos();
        while (true) {
            Optional<StagingRequestView> open = studies.findOpenRequest(study, pid, uid);
            if (open.isEmpty()) {
                long requestId;
                try {
                    requestId = studies.createStagingRequest(new NewStagingRequest(username, study, pid, uid));
                } catch (DataIntegrityViolationException e) {
                    continue; // another Edit opened it a moment ago: resume that one
                }
                return start(username, study, pid, uid, requestId, null);
            }
            StagingRequestView request = open.get();
            Long previous = request.processInstanceKey();
            if (previous == null) {
                boolean abandoned = request.requestedAt().isBefore(java.time.Instant.now().minus(STARTING_WAIT));
                if (!abandoned && System.nanoTime() < deadline) {
                    pause(); // another Edit is starting its process
                    continue;
                }
                // Its Edit died between opening the request and starting the process: start one for it now.
                return start(username, study, pid, uid, request.id(), null);
            }
            String state = processState(previous);
            if ("ACTIVE".equals(state)) {
                return new Started(Long.toString(previous), true, request.id());
            }
            if ("TERMINATED".equals(state)) {
                // Cancelled in the engine, so no close task ran: that request is over, and its record says how.
                studies.closeRequestsOf(previous, RequestOutcome.CANCELLED);
                continue;
            }
            // Completed without closing it (its close job failed): a new process takes the request over.
            return start(username, study, pid, uid, request.id(), previous);
        }
    }

    /**
     * Starts a process for the request with study, subject and Study0 study fixed, then binds the request to it. If
     * another Edit bound it first, this process is cancelled again and that one resumed: one request, one process.
     */
    private Started start(String username, String study, String pid, String uid, long requestId, Long previous) {
        String subjectId = studies.studyForStaging(study, pid).enrolment().studySubjectId();
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(Variables.REQUESTED_BY, username);
        variables.put(Variables.STUDY_ID, study);
        variables.put(Variables.SELECTED_SUBJECT_IDS, List.of(subjectId));
        variables.put(Variables.STUDY0_STUDY_INSTANCE_UID, uid);
        variables.put(Variables.STAGING_REQUEST_ID, requestId);
        // In the study's tenant: only its members see the process in Tasklist and Operate.
        long key = camunda.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(variables).tenantId(tenants.tenantOf(study)).send().join().getProcessInstanceKey();
        boolean bound = previous == null ? studies.bindProcess(requestId, key)
                : studies.rebindProcess(requestId, previous, key);
        if (!bound) {
            camunda.newCancelInstanceCommand(key).send().join();
            StagingRequestView winner = studies.stagingRequest(requestId);
            if (winner.closedAt() != null || winner.processInstanceKey() == null) {
                throw new IllegalStateException("staging request " + requestId + " changed while its process started");
            }
            return new Started(Long.toString(winner.processInstanceKey()), true, requestId);
        }
        studies.record(username, PROCESS_STARTED, study, pid, "process instance " + key + ", Study0 study " + uid
                + ", request " + requestId);
        return new Started(Long.toString(key), false, requestId);
    }

    private static void pause() {
        try {
            Thread.sleep(STARTING_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a process to start", e);
        }
    }

    @GetMapping("/api/studies/{study}/requests")
    List<StagingRequestView> requests(@PathVariable String study, Principal user) {
        return studies.stagingRequests(user.getName(), Ids.study(study));
    }

    @GetMapping("/api/requests/{id}")
    StagingRequestView request(@PathVariable long id, Principal user) {
        return VisibleRequests.require(studies, user.getName(), id);
    }

    /**
     * The verification outcome of a request's process (the verify worker's variables), for any member who may see
     * the request: only these two variables, not the process's others.
     */
    @GetMapping("/api/requests/{id}/verification")
    Verification verification(@PathVariable long id, Principal user) {
        StagingRequestView request = VisibleRequests.require(studies, user.getName(), id);
        if (request.processInstanceKey() == null) {
            return new Verification(null, List.of());
        }
        Map<String, Object> variables = instances.get(request.processInstanceKey())
                .map(ProcessInstances.Detail::variables).orElse(Map.of());
        return new Verification(variables.get(Variables.VERIFIED) instanceof Boolean b ? b : null,
                variables.get(Variables.VERIFICATION_REPORT) instanceof List<?> rows ? rows : List.of());
    }

    /**
     * What each series' staged copy carries as text, by source series UID: every descriptor value kept after
     * cleaning, the values replaced because they could not be cleaned, the unknown attributes removed. All of them,
     * where the review form shows the first few hundred.
     */
    @GetMapping("/api/requests/{id}/texts")
    Map<String, SeriesTexts> texts(@PathVariable long id, Principal user) {
        // Checked and audited as a view of the request; the texts are part of it.
        VisibleRequests.require(studies, user.getName(), id);
        return studies.seriesTexts(id);
    }


    /**
     * ACTIVE, COMPLETED or TERMINATED. An instance the engine's search does not know yet counts as ACTIVE: search
     * results lag behind, and a second process for the same study would be worse than a resume that shows no task
     * for a moment. A request whose process completed without closing it (its close job failed) is started again.
     */
    private String processState(long processInstanceKey) {
        return instances.get(processInstanceKey).map(d -> d.instance().state()).orElse("ACTIVE");
    }

    /** @param verified null until the verify step has run */
    record Verification(Boolean verified, List<?> report) {
    }

    record Started(String processInstanceKey, boolean resumed, Long requestId) {
    }

}
