package org.dicomstage.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.search.enums.ElementInstanceState;
import io.camunda.client.api.search.enums.ElementInstanceType;
import io.camunda.client.api.search.enums.IncidentState;
import io.camunda.client.api.search.enums.ProcessInstanceState;
import io.camunda.client.api.search.filter.VariableValueFilter;
import io.camunda.client.api.search.response.ElementInstance;
import io.camunda.client.api.search.response.Job;
import io.camunda.client.api.search.response.ProcessInstance;
import io.camunda.client.api.search.response.SearchResponse;
import io.camunda.client.api.search.response.Variable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.dicomstage.workflow.CamundaSearch;
import org.dicomstage.workflow.ProcessDefinition;
import org.springframework.stereotype.Component;

/**
 * {@link ProcessInstances} through the orchestration cluster's REST search API (Operate's data). Search results are
 * eventually consistent: a just-started instance may take a moment to show. Every search filters on the cluster and
 * pages on until the last page; variables are read with full values, as the search cuts values over 8 KB
 * otherwise. {@code CamundaRestProcessInstancesContractTest} checks each request and answer against Camunda's
 * OpenAPI spec; the process tests replace this bean with the record-stream reader (the in-memory engine has no
 * REST API).
 */
@Component
class CamundaRestProcessInstances implements ProcessInstances {

    static final int PAGE_SIZE = CamundaSearch.PAGE_SIZE;
    /** The variables a list row shows; the list reads only these. */
    private static final List<String> ROW_VARIABLES = List.of(ProcessDefinition.Variables.STUDY_ID,
            ProcessDefinition.Variables.REQUESTED_BY, ProcessDefinition.Variables.SUBJECT_ID,
            ProcessDefinition.Variables.SELECTED_SUBJECT_IDS);

    private final CamundaClient client;
    private final ObjectMapper json = new ObjectMapper();

    CamundaRestProcessInstances(CamundaClient client) {
        this.client = client;
    }

    @Override
    public List<Instance> list() {
        return rows(CamundaSearch.all(client.newProcessInstanceSearchRequest()
                .filter(f -> f.processDefinitionId(ProcessDefinition.PROCESS_ID))
                .sort(s -> s.startDate().desc())));
    }

    @Override
    public List<Instance> list(Set<String> studyIds) {
        if (studyIds.isEmpty()) {
            return List.of();
        }
        List<String> values = studyIds.stream().sorted().map(this::jsonText).toList();
        return rows(CamundaSearch.all(client.newProcessInstanceSearchRequest()
                .filter(f -> f.processDefinitionId(ProcessDefinition.PROCESS_ID)
                        .variables(List.of(v -> v.name(ProcessDefinition.Variables.STUDY_ID)
                                .value(p -> p.in(values)))))
                .sort(s -> s.startDate().desc())));
    }

    /**
     * Every filter goes to the cluster's search, which pages with from/limit (offset paging, so the list can go back
     * as well as on) and counts the matches. The subject is matched in {@code selectedSubjectIds}, the list every
     * start names its subjects in (Edit sets it at the start, Select patient's output mapping after the choice):
     * unlike our staging requests, which only exist once Study0 was queried, it also finds an instance stuck before
     * that, which is what a coordinator looks for. The variable holds a JSON array, so the value is matched with
     * {@code $like} on the subject's JSON string, quotes included, so that HN-01 does not find HN-011.
     */
    @Override
    public Page page(Query query) {
        List<String> studies = query.studyIds().stream().sorted().map(this::jsonText).toList();
        List<Consumer<VariableValueFilter>> variableFilters = new ArrayList<>();
        variableFilters.add(v -> v.name(ProcessDefinition.Variables.STUDY_ID).value(p -> p.in(studies)));
        if (query.subjectId() != null) {
            String element = "*" + likeEscaped(jsonText(query.subjectId())) + "*";
            variableFilters.add(v -> v.name(ProcessDefinition.Variables.SELECTED_SUBJECT_IDS)
                    .value(p -> p.like(element)));
        }
        SearchResponse<ProcessInstance> found = client.newProcessInstanceSearchRequest()
                .filter(f -> {
                    f.processDefinitionId(ProcessDefinition.PROCESS_ID).variables(variableFilters);
                    if (query.state() != null) {
                        f.state(ProcessInstanceState.valueOf(query.state()));
                    }
                    if (query.incidentsOnly()) {
                        f.hasIncident(true);
                    }
                    if (query.startedFrom() != null || query.startedBefore() != null) {
                        // The client writes OffsetDateTime.toString(), which leaves out zero seconds, and the
                        // spec's date-time needs them (a day's start has none): each bound goes 1 ms inside,
                        // the same instants at the index's millisecond precision.
                        f.startDate(d -> {
                            if (query.startedFrom() != null) {
                                d.gt(query.startedFrom().minusMillis(1).atOffset(ZoneOffset.UTC));
                            }
                            if (query.startedBefore() != null) {
                                d.lte(query.startedBefore().minusMillis(1).atOffset(ZoneOffset.UTC));
                            }
                        });
                    }
                })
                .sort(s -> {
                    switch (query.sort()) {
                        case STARTED_OLDEST -> s.startDate().asc();
                        case ENDED_NEWEST -> s.endDate().desc();
                        case ENDED_OLDEST -> s.endDate().asc();
                        default -> s.startDate().desc();
                    }
                })
                .page(p -> p.from(query.from()).limit(query.size()))
                .send().join();
        Map<Long, Map<String, Object>> variables = rowVariables(found.items().stream()
                .map(ProcessInstance::getProcessInstanceKey).toList());
        List<Instance> items = found.items().stream().map(i -> instance(i,
                variables.getOrDefault(i.getProcessInstanceKey(), Map.of()))).toList();
        long total = found.page() == null || found.page().totalItems() == null ? items.size()
                : found.page().totalItems();
        boolean capped = found.page() != null && Boolean.TRUE.equals(found.page().hasMoreTotalItems());
        return new Page(items, total, capped);
    }

    /** The row variables of a whole page of instances in one search (paged through), not one search per row. */
    private Map<Long, Map<String, Object>> rowVariables(List<Long> keys) {
        Map<Long, Map<String, Object>> byInstance = new HashMap<>();
        if (keys.isEmpty()) {
            return byInstance;
        }
        // An instance's own scope has its key, so both filters together are exactly the process-scope variables.
        for (Variable v : CamundaSearch.all(client.newVariableSearchRequest().withFullValues()
                .filter(f -> f.processInstanceKey(p -> p.in(keys)).scopeKey(p -> p.in(keys))
                        .name(p -> p.in(ROW_VARIABLES))))) {
            if (!v.getScopeKey().equals(v.getProcessInstanceKey())) {
                continue;
            }
            try {
                byInstance.computeIfAbsent(v.getProcessInstanceKey(), k -> new LinkedHashMap<>()).put(v.getName(),
                        v.getValue() == null ? null : json.readValue(v.getValue(), Object.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("variable " + v.getName() + " of process instance "
                        + v.getProcessInstanceKey() + " is not JSON", e);
            }
        }
        return byInstance;
    }

    /** The cluster's like patterns take '*' and '?' as wildcards, and a backslash escapes them (and itself). */
    static String likeEscaped(String text) {
        return text.replaceAll("([\\\\*?])", "\\\\$1");
    }

    @Override
    public Optional<Detail> get(long processInstanceKey) {
        List<ProcessInstance> found = client.newProcessInstanceSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey)).send().join().items();
        if (found.isEmpty() || !ProcessDefinition.PROCESS_ID.equals(found.get(0).getProcessDefinitionId())) {
            return Optional.empty();
        }
        Map<String, Object> variables = variables(processInstanceKey, null);
        Set<String> active = new HashSet<>();
        Set<String> completed = new HashSet<>();
        List<ElementRun> history = new ArrayList<>();
        for (ElementInstance e : CamundaSearch.all(client.newElementInstanceSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey))
                .sort(s -> s.startDate().asc()))) {
            if (e.getState() == ElementInstanceState.ACTIVE) {
                active.add(e.getElementId());
            } else if (e.getState() == ElementInstanceState.COMPLETED) {
                completed.add(e.getElementId());
            }
            if (e.getType() != ElementInstanceType.PROCESS && e.getType() != ElementInstanceType.SEQUENCE_FLOW) {
                history.add(new ElementRun(e.getElementInstanceKey(), e.getElementId(),
                        e.getElementName() == null || e.getElementName().isBlank() ? e.getElementId()
                                : e.getElementName(), String.valueOf(e.getType()), String.valueOf(e.getState()),
                        Boolean.TRUE.equals(e.getIncident()), instant(e.getStartDate()), instant(e.getEndDate())));
            }
        }
        // The search sorts by start; equal starts (a gateway and the task it opens) keep the engine's key order.
        history.sort(Comparator.comparing(ElementRun::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingLong(ElementRun::key));
        List<io.camunda.client.api.search.response.Incident> open = CamundaSearch.all(client.newIncidentSearchRequest()
                .filter(f -> f.processInstanceKey(processInstanceKey).state(IncidentState.ACTIVE)));
        Map<Long, Integer> retries = retries(open.stream().map(i -> i.getJobKey()).filter(k -> k != null).toList());
        List<Incident> incidents = open.stream()
                .map(i -> new Incident(i.getIncidentKey(), i.getElementId(), i.getElementInstanceKey(),
                        String.valueOf(i.getErrorType()),
                        i.getErrorMessage(), i.getJobKey(), instant(i.getCreationTime()),
                        i.getJobKey() == null ? null : retries.get(i.getJobKey())))
                .toList();
        return Optional.of(new Detail(instance(found.get(0), variables), active, completed, incidents, variables,
                history));
    }

    /** The retries the incidents' jobs have now, by job key: 0 until a retry gives them more. */
    private Map<Long, Integer> retries(List<Long> jobKeys) {
        if (jobKeys.isEmpty()) {
            return Map.of();
        }
        Map<Long, Integer> retries = new HashMap<>();
        for (Job job : CamundaSearch.all(client.newJobSearchRequest()
                .filter(f -> f.jobKey(k -> k.in(jobKeys))))) {
            if (job.getRetries() != null) {
                retries.put(job.getJobKey(), job.getRetries());
            }
        }
        return retries;
    }

    @Override
    public List<Definition> definitions() {
        return CamundaSearch.all(client.newProcessDefinitionSearchRequest()
                .filter(f -> f.processDefinitionId(ProcessDefinition.PROCESS_ID))
                .sort(s -> s.version().desc())).stream()
                .map(d -> new Definition(d.getProcessDefinitionKey(), d.getVersion(), d.getResourceName()))
                .toList();
    }

    @Override
    public Optional<String> xml(long processDefinitionKey) {
        return Optional.ofNullable(client.newProcessDefinitionGetXmlRequest(processDefinitionKey).send().join());
    }

    private List<Instance> rows(List<ProcessInstance> found) {
        return found.stream().map(i -> instance(i, variables(i.getProcessInstanceKey(), ROW_VARIABLES))).toList();
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

    /**
     * The instance's process-scope variables (only {@code names} unless null), with full values. A value that comes
     * back cut all the same is an error naming it, never a blank report or an empty list on a page.
     */
    private Map<String, Object> variables(long processInstanceKey, List<String> names) {
        Map<String, Object> variables = new LinkedHashMap<>();
        for (Variable v : CamundaSearch.all(client.newVariableSearchRequest().withFullValues()
                .filter(f -> {
                    f.processInstanceKey(processInstanceKey).scopeKey(processInstanceKey);
                    if (names != null) {
                        f.name(p -> p.in(names));
                    }
                }))) {
            if (Boolean.TRUE.equals(v.isTruncated())) {
                throw new IllegalStateException("variable " + v.getName() + " of process instance "
                        + processInstanceKey + " came back truncated although full values were requested");
            }
            try {
                variables.put(v.getName(), v.getValue() == null ? null : json.readValue(v.getValue(), Object.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("variable " + v.getName() + " of process instance "
                        + processInstanceKey + " is not JSON", e);
            }
        }
        return variables;
    }

    private String jsonText(String text) {
        try {
            return json.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String text(Map<String, Object> variables, String name) {
        return variables.get(name) instanceof String s ? s : null;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
