package org.dicomstage.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.search.enums.ElementInstanceState;
import io.camunda.client.api.search.enums.IncidentState;
import io.camunda.client.api.search.response.ElementInstance;
import io.camunda.client.api.search.response.ProcessInstance;
import io.camunda.client.api.search.response.Variable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dicomstage.workflow.ProcessDefinition;
import org.springframework.stereotype.Component;

/**
 * {@link ProcessInstances} through the orchestration cluster's REST search API (Operate's data). Search results are
 * eventually consistent: a just-started instance may take a moment to show. Not exercised by the tests here (the
 * in-memory engine has no REST API); the test context replaces it with the record-stream reader.
 */
@Component
class CamundaRestProcessInstances implements ProcessInstances {

    /** One page is enough for the process view; it shows the newest instances. */
    private static final int LIMIT = 200;

    private final CamundaClient client;
    private final ObjectMapper json = new ObjectMapper();

    CamundaRestProcessInstances(CamundaClient client) {
        this.client = client;
    }

    @Override
    public List<Instance> list() {
        return client.newProcessInstanceSearchRequest()
                .filter(f -> f.processDefinitionId(ProcessDefinition.PROCESS_ID))
                .sort(s -> s.startDate().desc())
                .page(p -> p.limit(LIMIT))
                .send().join().items().stream()
                .map(i -> instance(i, variables(i.getProcessInstanceKey())))
                .toList();
    }

    @Override
    public Optional<Detail> get(long processInstanceKey) {
        List<ProcessInstance> found = client.newProcessInstanceSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey)).send().join().items();
        if (found.isEmpty() || !ProcessDefinition.PROCESS_ID.equals(found.get(0).getProcessDefinitionId())) {
            return Optional.empty();
        }
        Map<String, Object> variables = variables(processInstanceKey);
        Set<String> active = new HashSet<>();
        Set<String> completed = new HashSet<>();
        for (ElementInstance e : client.newElementInstanceSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey)).page(p -> p.limit(LIMIT * 5))
                .send().join().items()) {
            if (e.getState() == ElementInstanceState.ACTIVE) {
                active.add(e.getElementId());
            } else if (e.getState() == ElementInstanceState.COMPLETED) {
                completed.add(e.getElementId());
            }
        }
        List<Incident> incidents = client.newIncidentSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey).state(IncidentState.ACTIVE))
                .send().join().items().stream()
                .map(i -> new Incident(i.getIncidentKey(), i.getElementId(), String.valueOf(i.getErrorType()),
                        i.getErrorMessage(), i.getJobKey(), instant(i.getCreationTime())))
                .toList();
        return Optional.of(new Detail(instance(found.get(0), variables), active, completed, incidents, variables));
    }

    @Override
    public List<Definition> definitions() {
        return client.newProcessDefinitionSearchRequest()
                .filter(f -> f.processDefinitionId(ProcessDefinition.PROCESS_ID))
                .sort(s -> s.version().desc())
                .send().join().items().stream()
                .map(d -> new Definition(d.getProcessDefinitionKey(), d.getVersion(), d.getResourceName()))
                .toList();
    }

    @Override
    public Optional<String> xml(long processDefinitionKey) {
        return Optional.ofNullable(client.newProcessDefinitionGetXmlRequest(processDefinitionKey).send().join());
    }

    private Instance instance(ProcessInstance i, Map<String, Object> variables) {
        return new Instance(i.getProcessInstanceKey(), i.getProcessDefinitionKey(),
                i.getProcessDefinitionVersion() == null ? 0 : i.getProcessDefinitionVersion(),
                String.valueOf(i.getState()), instant(i.getStartDate()), instant(i.getEndDate()),
                Boolean.TRUE.equals(i.getHasIncident()) ? 1 : 0,
                text(variables, ProcessDefinition.Variables.STUDY_ID),
                ProcessInstances.subjectOf(variables),
                text(variables, ProcessDefinition.Variables.REQUESTED_BY));
    }

    private Map<String, Object> variables(long processInstanceKey) {
        Map<String, Object> variables = new LinkedHashMap<>();
        for (Variable v : client.newVariableSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey).scopeKey(processInstanceKey))
                .page(p -> p.limit(LIMIT)).send().join().items()) {
            try {
                variables.put(v.getName(), v.getValue() == null ? null : json.readValue(v.getValue(), Object.class));
            } catch (JsonProcessingException e) {
                // Truncated values (the search shortens large ones) are not valid JSON: show them as text.
                variables.put(v.getName(), v.getValue());
            }
        }
        return variables;
    }

    private static String text(Map<String, Object> variables, String name) {
        return variables.get(name) instanceof String s ? s : null;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
