package org.dicomstage.web;

import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.Cancellation;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.Right;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where one process stands, for the tasks page that follows it: the step running now in words, each series'
 * progress (staged n of m, verifying, published), failures in plain words with what happens next, and once it has
 * ended, the end: what was copied, where, for whom; or why nothing was. Technical detail only for coordinators.
 */
@RestController
class JourneyController {

    /** Steps that run without the researcher, in words; the first active one names the phase. */
    private static final Map<String, String> WORKING = orderedSteps();

    private final StudyService studies;
    private final ProcessInstances instances;

    JourneyController(StudyService studies, ProcessInstances instances) {
        this.studies = studies;
        this.instances = instances;
    }

    private static Map<String, String> orderedSteps() {
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put(Elements.CLEAR_HOLDING_CANCELLED, "Cancelling: emptying the holding copy");
        steps.put(Elements.CLOSE_REQUEST_CANCELLED, "Cancelling: closing the request");
        steps.put(Elements.PUBLISH_ACCEPTED_COPY, "Publishing the accepted copy to the project archive");
        steps.put(Elements.CLOSE_REQUEST_ACCEPTED, "Closing the request");
        steps.put(Elements.STAGE_SERIES, "Staging: copying and pseudonymizing into the holding area");
        steps.put(Elements.VERIFY_STAGED_COPY, "Verifying the staged copy");
        steps.put(Elements.CLEAR_HOLDING_ABORTED, "Aborting: emptying the holding copy");
        steps.put(Elements.CLOSE_REQUEST_ABORTED, "Aborting: closing the request");
        steps.put(Elements.CLEAR_HOLDING_SENT_BACK, "Sent back: emptying the holding copy");
        steps.put(Elements.EXPAND_SELECTION, "Adding the series your picks reference");
        steps.put(Elements.QUERY_STUDY0, "Looking up the patient's series in Study0");
        steps.put(Elements.CHECK_STUDY_ACCESS, "Checking your access to the study");
        return steps;
    }

    record SeriesStep(String label, String modality, SeriesStatus status, int stagedInstances,
                      int expectedInstances, String inWords, String problem, Instant retryAt, String next,
                      String technical) {
    }

    record RequestStep(long id, String link, String studyIdentifier, String studySubjectId, String requestedBy,
                       RequestOutcome outcome, Instant closedAt, Cancellation cancellation, List<SeriesStep> series) {
    }

    /**
     * @param state    ACTIVE, COMPLETED or TERMINATED; UNKNOWN while the engine's search does not know it yet
     * @param phase    the running step in words, or null while a task waits for someone or the process ended
     * @param end      null while the process runs
     * @param canCancel whether this user may cancel now (with {@code cancelRequestId})
     */
    record Journey(String processInstanceKey, String state, String phase, End end, List<RequestStep> requests,
                   List<String> problems, boolean canCancel, Long cancelRequestId, boolean coordinator) {
    }

    /**
     * @param outcome    how it ended
     * @param headline   one line in words
     * @param copied     with ACCEPTED: the series in the project archive, with instance counts
     * @param archiveNode with ACCEPTED: the project archive's node name
     * @param patientIdInCopy with ACCEPTED: PatientID as the copy carries it (the study's pseudonym)
     */
    record End(RequestOutcome outcome, String headline, Instant at, List<Copied> copied, String archiveNode,
               String studySubjectId, String patientIdInCopy, Long requestId, String link) {
    }

    record Copied(String label, String modality, int instances) {
    }

    @GetMapping("/api/journeys/{processInstanceKey}")
    Journey journey(@PathVariable long processInstanceKey, Principal principal) {
        String user = principal.getName();
        // The process first: the requests are closed before the process ends, so requests read after an ended
        // process are always closed (read the other way round, an end could be told with an open request).
        ProcessInstances.Detail process = instances.get(processInstanceKey).orElse(null);
        List<StagingRequestView> requests = studies.requestsOf(processInstanceKey);
        String study = requests.isEmpty() ? (process == null ? null : process.instance().studyId())
                : requests.getFirst().studyIdentifier();
        requireVisible(user, processInstanceKey, requests, process, study);
        boolean coordinator = study != null && studies.studiesOf(user).stream().anyMatch(s -> s.identifier()
                .equals(study) && s.role().overseesStudy());
        Set<String> active = process == null ? Set.of() : process.activeElements();
        boolean incident = process != null && !process.incidents().isEmpty();

        List<RequestStep> steps = requests.stream().map(r -> step(r, active, incident, coordinator)).toList();
        List<String> problems = new ArrayList<>();
        if (incident) {
            problems.add("A step stopped after several attempts; a coordinator has been notified and can retry it.");
            if (coordinator) {
                process.incidents().forEach(i -> problems.add(i.elementId() + ": " + i.message()));
            }
        }
        String state = process == null ? "UNKNOWN" : process.instance().state();
        End end = end(state, process, requests);
        String phase = end != null ? null : WORKING.entrySet().stream().filter(e -> active.contains(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        StagingRequestView open = requests.stream().filter(r -> r.closedAt() == null).findFirst().orElse(null);
        boolean pastCancelling = active.contains(Elements.PUBLISH_ACCEPTED_COPY)
                || active.contains(Elements.CLOSE_REQUEST_ACCEPTED) || active.contains(Elements.CLEAR_HOLDING_ABORTED)
                || active.contains(Elements.CLOSE_REQUEST_ABORTED) || active.contains(Elements.CLEAR_HOLDING_CANCELLED)
                || active.contains(Elements.CLOSE_REQUEST_CANCELLED);
        boolean canCancel = end == null && open != null && open.cancellation() == null && !pastCancelling
                && open.processInstanceKey() != null && (user.equals(open.requestedBy()) || coordinator);
        return new Journey(Long.toString(processInstanceKey), state, phase, end, steps, problems, canCancel,
                open == null ? null : open.id(), coordinator);
    }

    /** The requester, or a member with LOOKUP in the request's study; unknown and foreign keys read the same. */
    private void requireVisible(String user, long key, List<StagingRequestView> requests,
                                ProcessInstances.Detail process, String study) {
        String reason = "There is no process " + key + " of yours or of your studies.";
        try {
            if (!requests.isEmpty()) {
                studies.requireRight(user, study, Right.LOOKUP);
                return;
            }
            Object requester = process == null ? null : process.variables().get(Variables.REQUESTED_BY);
            if (user.equals(requester)) {
                return;
            }
        } catch (StudyAccessDenied e) {
            throw new ApiErrors.Forbidden("process " + key + ": not a member of " + study, reason);
        }
        studies.record(user, AuditActions.ACCESS_DENIED, study, null, "journey of process " + key + ": not visible");
        throw new ApiErrors.Forbidden("process " + key, reason);
    }

    private static RequestStep step(StagingRequestView r, Set<String> active, boolean incident, boolean coordinator) {
        boolean verifying = active.contains(Elements.VERIFY_STAGED_COPY);
        boolean publishing = active.contains(Elements.PUBLISH_ACCEPTED_COPY);
        List<SeriesStep> series = r.series().stream().map(s -> {
            String label = label(s);
            int expected = s.expectedInstances() > 0 ? s.expectedInstances() : s.instanceCount();
            String words = switch (s.status()) {
                case PENDING -> r.closedAt() != null ? "Not copied" : "Waiting to be staged";
                case STAGING -> "Staged " + s.stagedInstances() + " of " + expected;
                case STAGED -> verifying ? "Staged " + s.stagedInstances() + " of " + expected + ", verifying"
                        : "Staged " + s.stagedInstances() + " of " + expected;
                case VERIFIED -> publishing ? "Verified, publishing" : "Verified, held for review";
                case PUBLISHED -> "Published: " + s.stagedInstances() + " instance(s) in the project archive";
                case FAILED -> "Failed";
            };
            if (s.status() == SeriesStatus.FAILED) {
                FailureInWords f = FailureInWords.of(s.failureReason(), s.updatedAt(), incident);
                return new SeriesStep(label, s.modality(), s.status(), s.stagedInstances(), expected, words,
                        f.problem(), f.retryAt(), f.next(), coordinator ? s.failureReason() : null);
            }
            return new SeriesStep(label, s.modality(), s.status(), s.stagedInstances(), expected, words, null, null,
                    null, null);
        }).toList();
        return new RequestStep(r.id(), link(r.id()), r.studyIdentifier(), r.studySubjectId(), r.requestedBy(),
                r.outcome(), r.closedAt(), r.cancellation(), series);
    }

    private End end(String state, ProcessInstances.Detail process, List<StagingRequestView> requests) {
        StagingRequestView closed = requests.stream().filter(r -> r.closedAt() != null).findFirst().orElse(null);
        boolean running = "ACTIVE".equals(state) || "UNKNOWN".equals(state);
        if (running && (closed == null || requests.stream().anyMatch(r -> r.closedAt() == null))) {
            return null;
        }
        // An accepted copy is told as copied only once every series of it reads as published, so the end never
        // names fewer series than the project archive holds (the page polls on until then).
        if (closed != null && closed.outcome() == RequestOutcome.ACCEPTED && requests.stream()
                .flatMap(r -> r.series().stream())
                .anyMatch(s -> s.status() == SeriesStatus.STAGED || s.status() == SeriesStatus.VERIFIED
                        || s.status() == SeriesStatus.STAGING)) {
            return null;
        }
        Map<String, Object> variables = process == null ? Map.of() : process.variables();
        Set<String> done = process == null ? Set.of() : process.completedElements();
        RequestOutcome outcome = closed != null && closed.outcome() != null ? closed.outcome()
                : done.contains(Elements.END_ACCESS_DENIED) ? RequestOutcome.ACCESS_DENIED
                : done.contains(Elements.END_DICOM_NOT_ENABLED) ? RequestOutcome.DICOM_NOT_ENABLED
                : done.contains(Elements.END_ACCEPTED) ? RequestOutcome.ACCEPTED
                : done.contains(Elements.END_STAGING_ABORTED) ? RequestOutcome.ABORTED
                : RequestOutcome.CANCELLED;
        Instant at = closed != null ? closed.closedAt() : process == null ? null : process.instance().endedAt();
        Long requestId = closed == null ? null : closed.id();
        String link = requestId == null ? null : link(requestId);
        String subject = closed != null ? closed.studySubjectId()
                : requests.isEmpty() ? null : requests.getFirst().studySubjectId();
        return switch (outcome) {
            case ACCEPTED -> accepted(requests, variables, at, requestId, link, subject);
            case CANCELLED -> {
                Cancellation c = closed == null ? null : closed.cancellation();
                String headline = c == null
                        ? "The request was cancelled. Nothing was copied to the project archive."
                        : "The request was cancelled by " + c.by() + ". The holding copy was emptied; nothing was"
                        + " copied to the project archive. Reason given: “" + c.reason() + "”";
                yield new End(outcome, headline, at, List.of(), null, subject, null, requestId, link);
            }
            case ABORTED -> new End(outcome, "Staging was aborted. The holding copy was emptied; nothing was copied"
                    + " to the project archive.", at, List.of(), null, subject, null, requestId, link);
            case ACCESS_DENIED -> new End(outcome, "No copy: access was denied"
                    + (variables.get(Variables.ACCESS_PROBLEM) instanceof String p ? " (" + p + ")." : "."), at,
                    List.of(), null, subject, null, requestId, link);
            case DICOM_NOT_ENABLED -> new End(outcome, "No copy: the study is not enabled for DICOM.", at,
                    List.of(), null, subject, null, requestId, link);
        };
    }

    private End accepted(List<StagingRequestView> requests, Map<String, Object> variables, Instant at,
                         Long requestId, String link, String subject) {
        List<Copied> copied = new ArrayList<>();
        for (StagingRequestView r : requests) {
            for (StagingSeriesView s : r.series()) {
                if (s.status() == SeriesStatus.PUBLISHED) {
                    copied.add(new Copied(label(s), s.modality(), s.stagedInstances()));
                }
            }
        }
        String patientId = null;
        String node = null;
        if (variables.get(Variables.PUBLICATION_REPORT) instanceof List<?> rows) {
            for (Object row : rows) {
                if (row instanceof Map<?, ?> m) {
                    patientId = m.get("patientId") instanceof String p ? p : patientId;
                    node = m.get("archiveNode") instanceof String n ? n : node;
                }
            }
        }
        if (node == null && !requests.isEmpty()) {
            node = studies.studyForStaging(requests.getFirst().studyIdentifier()).archiveNode();
        }
        int instances = copied.stream().mapToInt(Copied::instances).sum();
        String headline = "Copy accepted: " + copied.size() + " series, " + instances
                + " instance(s) are in the project archive" + (node == null ? "" : " '" + node + "'") + ".";
        return new End(RequestOutcome.ACCEPTED, headline, at, copied, node, subject, patientId, requestId, link);
    }

    private static String label(StagingSeriesView s) {
        String d = s.description() == null || s.description().isBlank() ? "(no description)" : s.description();
        return (s.modality() == null ? "" : s.modality() + " ") + d;
    }

    private static String link(long requestId) {
        return "/requests.html?request=" + requestId;
    }
}
