package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientException;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.Role;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The process view for coordinators (and admins) of a study: one instance's diagram state, variables and incidents,
 * and retrying an incident. The list of instances is {@link ProcessListController}'s.
 */
@RestController
class ProcessController {

    static final String INCIDENT_RETRIED = "INCIDENT_RETRIED";
    private static final Logger log = LoggerFactory.getLogger(ProcessController.class);
    /** Never shown, whatever a worker may once put into a variable by mistake. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|passwd|token|credential).*");
    private static final int RETRIES = 1;

    private final ProcessInstances instances;
    private final StudyService studies;
    private final CamundaClient camunda;

    ProcessController(ProcessInstances instances, StudyService studies, CamundaClient camunda) {
        this.instances = instances;
        this.studies = studies;
        this.camunda = camunda;
    }

    @GetMapping("/api/processes/{key}")
    DetailView get(@PathVariable long key, Principal user) {
        ProcessInstances.Detail detail = require(user.getName(), key);
        return new DetailView(Row.of(detail.instance(), null, Instant.now()), detail.activeElements(),
                detail.completedElements(), detail.incidents().stream().map(IncidentView::of).toList(),
                withoutSecrets(detail.variables()));
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
        if (study == null || !coordinated(user).contains(study)) {
            throw deny(user, study, "process instance " + key + ": not a coordinator of its study", reason);
        }
        return detail;
    }

    private Set<String> coordinated(String user) {
        return studies.studiesOf(user).stream().filter(s -> s.role() == Role.COORDINATOR || s.role() == Role.ADMIN)
                .map(StudySummary::identifier).collect(Collectors.toSet());
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

    record IncidentView(String key, String elementId, String errorType, String message, boolean fromJob,
                        Instant createdAt) {
        static IncidentView of(ProcessInstances.Incident i) {
            return new IncidentView(Long.toString(i.key()), i.elementId(), i.errorType(), i.message(),
                    i.jobKey() != null, i.createdAt());
        }
    }

    record DetailView(Row instance, Set<String> activeElements, Set<String> completedElements,
                      List<IncidentView> incidents, Map<String, Object> variables) {
    }
}
