package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientException;
import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The process view for coordinators (and admins) of a study: one instance's diagram state, history, variables and
 * incidents, retrying an incident and cancelling the instance, every action audited with the acting user. The list
 * of instances is {@link ProcessListController}'s.
 */
@RestController
class ProcessController {

    static final String INCIDENT_RETRIED = "INCIDENT_RETRIED";
    static final String PROCESS_CANCELLED = "PROCESS_CANCELLED";
    /** Where the process may be before its request can take a cancel message: the engine cancels it then. */
    private static final Set<String> BEFORE_REQUEST_OPEN = Set.of(Elements.ACTIVATE_STUDY, Elements.CHECK_STUDY_ACCESS);
    private static final Logger log = LoggerFactory.getLogger(ProcessController.class);
    /** Never shown, whatever a worker may once put into a variable by mistake. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|passwd|token|credential).*");
    /** The series a job's failure message names first: "staging series CT 'Planning CT' (1.2.3) from ...". */
    private static final Pattern SERIES_LABEL = Pattern.compile("^\\w+ series (\\S+ '[^']*')");
    private static final int RETRIES = 1;

    private final ProcessInstances instances;
    private final StudyService studies;
    private final CamundaClient camunda;
    private final CancelController cancels;

    ProcessController(ProcessInstances instances, StudyService studies, CamundaClient camunda,
                      CancelController cancels) {
        this.instances = instances;
        this.studies = studies;
        this.camunda = camunda;
        this.cancels = cancels;
    }

    @GetMapping("/api/processes/{key}")
    DetailView get(@PathVariable long key, Principal user) {
        ProcessInstances.Detail detail = require(user.getName(), key);
        Map<String, String> names = new HashMap<>();
        detail.history().forEach(r -> names.put(r.elementId(), r.name()));
        return new DetailView(Row.of(detail.instance(), null, Instant.now()), detail.activeElements(),
                detail.completedElements(),
                detail.incidents().stream().map(i -> IncidentView.of(i, names.get(i.elementId()))).toList(),
                withoutSecrets(detail.variables()), detail.history().stream().map(HistoryView::of).toList(),
                studies.requestsOf(key).stream().map(RequestView::of).toList());
    }

    /**
     * Cancels the instance with a reason. With a staging request, the process's own cancel path does it (as the
     * cancel button of the tasks page: the holding copy is emptied, the request closed as CANCELLED); before the
     * request is open to cancelling (no request yet, or still at the access check), the engine cancels the
     * instance and its requests, which hold no copy yet, are closed as CANCELLED here.
     */
    @PostMapping("/api/processes/{key}/cancel")
    ResponseEntity<CancelView> cancel(@PathVariable long key,
                                      @RequestBody(required = false) CancelController.CancelBody body,
                                      Principal user) {
        ProcessInstances.Detail detail = require(user.getName(), key);
        String reason = body == null || body.reason() == null ? "" : body.reason().strip();
        if (reason.isEmpty()) {
            throw new ApiErrors.BadRequest("Give a reason for cancelling.");
        }
        if (reason.length() > CancelController.REASON_LIMIT) {
            throw new ApiErrors.BadRequest("The reason is longer than " + CancelController.REASON_LIMIT
                    + " characters.");
        }
        if (!"ACTIVE".equals(detail.instance().state())) {
            throw new CancelController.Conflict("Process instance " + key + " has ended already ("
                    + detail.instance().state() + ").");
        }
        List<StagingRequestView> requests = studies.requestsOf(key);
        boolean beforeRequestOpen = !detail.activeElements().isEmpty()
                && BEFORE_REQUEST_OPEN.containsAll(detail.activeElements());
        if (!requests.isEmpty() && !beforeRequestOpen) {
            StagingRequestView request = requests.stream().filter(r -> r.closedAt() == null).findFirst()
                    .orElse(requests.getFirst());
            CancelController.CancelAnswer answer = cancels.cancel(request.id(),
                    new CancelController.CancelBody(reason), user).getBody();
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(new CancelView(answer.state(), request.id(),
                    answer.message()));
        }
        String study = detail.instance().studyId();
        studies.record(user.getName(), PROCESS_CANCELLED, study, null,
                "process instance " + key + ": " + reason);
        try {
            camunda.newCancelInstanceCommand(key).send().join();
        } catch (ClientException e) {
            log.info("cancel of process instance {} refused by the engine: {}", key, e.getMessage());
            throw new CancelController.Conflict("The engine refused to cancel process instance " + key
                    + ": it may have ended meanwhile. Reload it to see its state now.");
        }
        if (!requests.isEmpty()) {
            studies.cancelRequestsOf(key, user.getName(), reason);
            studies.closeRequestsOf(key, RequestOutcome.CANCELLED);
        }
        return ResponseEntity.ok(new CancelView("cancelled", requests.isEmpty() ? null : requests.getFirst().id(),
                "Process instance " + key + " was cancelled" + (requests.isEmpty() ? ""
                        : "; its request" + (requests.size() == 1 ? " is" : "s are") + " closed as cancelled")
                        + "."));
    }

    @GetMapping(value = "/api/processes/{key}/xml", produces = MediaType.APPLICATION_XML_VALUE)
    ResponseEntity<String> xml(@PathVariable long key, Principal user) {
        ProcessInstances.Detail detail = require(user.getName(), key);
        return ResponseEntity.of(instances.xml(detail.instance().processDefinitionKey()));
    }

    /** Gives the failed job another try and resolves the incident, as Operate's retry does. */
    @PostMapping("/api/processes/{key}/incidents/{incidentKey}/retry")
    ResponseEntity<Void> retry(@PathVariable long key, @PathVariable long incidentKey, Principal user) {
        ProcessInstances.Detail detail = require(user.getName(), key);
        ProcessInstances.Incident incident = detail.incidents().stream().filter(i -> i.key() == incidentKey)
                .findFirst().orElseThrow(() -> deny(user.getName(), detail.instance().studyId(),
                        "retry incident " + incidentKey + " not of process instance " + key,
                        "Process instance " + key + " has no open incident " + incidentKey
                                + ": reload it to see its incidents now."));
        try {
            if (incident.jobKey() != null) {
                camunda.newUpdateRetriesCommand(incident.jobKey()).retries(RETRIES).send().join();
            }
            camunda.newResolveIncidentCommand(incidentKey).send().join();
        } catch (ClientException e) {
            log.info("retry of incident {} refused by the engine: {}", incidentKey, e.getMessage());
            throw new ApiErrors.BadRequest("The engine refused the retry: the incident may be resolved already. "
                    + "Reload the process to see its state now.");
        }
        studies.record(user.getName(), INCIDENT_RETRIED, detail.instance().studyId(), null,
                "incident " + incidentKey + " at " + incident.elementId() + " of process instance " + key);
        return ResponseEntity.noContent().build();
    }

    /** Variables as the browser may see them: none whose name suggests a secret. */
    static Map<String, Object> withoutSecrets(Map<String, Object> variables) {
        Map<String, Object> shown = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            if (!SECRET.matcher(name).matches()) {
                shown.put(name, value);
            }
        });
        return shown;
    }

    private ProcessInstances.Detail require(String user, long key) {
        ProcessInstances.Detail detail = instances.get(key).orElse(null);
        // Unknown and not coordinated read the same, so keys cannot be probed.
        String reason = "There is no process instance " + key + " in the studies you coordinate.";
        if (detail == null) {
            throw deny(user, null, "process instance " + key + ": not found", reason);
        }
        String study = detail.instance().studyId();
        if (study == null || !studies.studiesOverseenBy(user).contains(study)) {
            throw deny(user, study, "process instance " + key + ": not a coordinator of its study", reason);
        }
        return detail;
    }

    private ApiErrors.Forbidden deny(String user, String study, String detail, String reason) {
        studies.record(user, AuditActions.ACCESS_DENIED, study, null, detail);
        return new ApiErrors.Forbidden(detail, reason);
    }

    /** Keys as strings: they exceed JavaScript's safe integers. */
    record Row(String key, int version, String state, String studyId, String subjectId, String requestedBy,
               Instant startedAt, Instant endedAt, long ageSeconds, int openIncidents, Long requestId) {

        static Row of(ProcessInstances.Instance i, Long requestId, Instant now) {
            Instant end = i.endedAt() == null ? now : i.endedAt();
            long age = i.startedAt() == null ? 0 : Math.max(0, end.getEpochSecond() - i.startedAt().getEpochSecond());
            return new Row(Long.toString(i.key()), i.version(), i.state(), i.studyId(), i.subjectId(),
                    i.requestedBy(), i.startedAt(), i.endedAt(), age, i.openIncidents(), requestId);
        }
    }

    /**
     * @param stepName what the model calls the step (its id where it has no name)
     * @param summary  what went wrong in words a researcher reads; {@code message} is the technical text
     */
    record IncidentView(String key, String elementId, String elementInstanceKey, String stepName, String errorType,
                        String summary, String message, boolean fromJob, Integer retriesLeft, Instant createdAt) {
        static IncidentView of(ProcessInstances.Incident i, String stepName) {
            return new IncidentView(Long.toString(i.key()), i.elementId(),
                    i.elementInstanceKey() == null ? null : Long.toString(i.elementInstanceKey()),
                    stepName == null ? i.elementId() : stepName, i.errorType(), summary(i), i.message(),
                    i.jobKey() != null, i.retriesLeft(), i.createdAt());
        }

        /** A job's failure as the tasks page words it; the engine's own incidents by their kind. */
        private static String summary(ProcessInstances.Incident i) {
            if (i.jobKey() != null) {
                String problem = FailureInWords.of(i.message(), i.createdAt(), true).problem();
                // One series of a multi-instance step: which one, by its label (JobSupport's "what").
                java.util.regex.Matcher series = SERIES_LABEL.matcher(String.valueOf(i.message()));
                return series.find() ? "Series " + series.group(1) + ": " + problem : problem;
            }
            return switch (String.valueOf(i.errorType())) {
                case "EXTRACT_VALUE_ERROR", "CONDITION_ERROR", "IO_MAPPING_ERROR", "CALLED_ELEMENT_ERROR" ->
                        "The process model could not work out a value at this step: the model or its input needs"
                                + " fixing before a retry can help.";
                case "UNHANDLED_ERROR_EVENT" -> "A step reported a problem that the process model does not handle"
                        + " here.";
                default -> "The engine stopped at this step.";
            };
        }
    }

    /** One element instance; keys as strings (JavaScript's safe integers end before them). */
    record HistoryView(String key, String elementId, String name, String type, String state, boolean incident,
                       Instant startedAt, Instant endedAt) {
        static HistoryView of(ProcessInstances.ElementRun r) {
            return new HistoryView(Long.toString(r.key()), r.elementId(), r.name(), r.type(), r.state(), r.incident(),
                    r.startedAt(), r.endedAt());
        }
    }

    /** A staging request of the instance: open, being cancelled or closed with its outcome. */
    record RequestView(long id, String state, Instant closedAt) {
        static RequestView of(StagingRequestView r) {
            String state = r.closedAt() != null ? (r.outcome() == null ? "CLOSED" : r.outcome().name())
                    : r.cancellation() != null ? "CANCELLING" : "OPEN";
            return new RequestView(r.id(), state, r.closedAt());
        }
    }

    /** @param state "cancelling" (the process's cancel path runs) or "cancelled" */
    record CancelView(String state, Long requestId, String message) {
    }

    record DetailView(Row instance, Set<String> activeElements, Set<String> completedElements,
                      List<IncidentView> incidents, Map<String, Object> variables, List<HistoryView> history,
                      List<RequestView> requests) {
    }
}
