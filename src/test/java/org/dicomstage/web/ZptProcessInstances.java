package org.dicomstage.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.intent.IncidentIntent;
import io.camunda.zeebe.protocol.record.intent.Intent;
import io.camunda.zeebe.protocol.record.intent.ProcessInstanceIntent;
import io.camunda.zeebe.protocol.record.value.BpmnElementType;
import io.camunda.zeebe.protocol.record.value.IncidentRecordValue;
import io.camunda.zeebe.protocol.record.value.JobRecordValue;
import io.camunda.zeebe.protocol.record.value.ProcessInstanceRecordValue;
import io.camunda.zeebe.protocol.record.value.VariableRecordValue;
import io.camunda.zeebe.protocol.record.value.deployment.Process;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * {@link ProcessInstances} of the in-memory engine, read from its record stream (it has no REST search API). Only
 * public record types are used, so unlike the user-task writer this does not depend on ZPT internals. The local run
 * imports {@link Configuration} next to {@code ZptHarnessConfiguration}.
 */
public final class ZptProcessInstances implements ProcessInstances {

    private final ZeebeTestEngine engine;
    private final ObjectMapper json = new ObjectMapper();
    /** Element names by element id, per deployed version (a version never changes). */
    private final Map<Long, Map<String, String>> names = new HashMap<>();

    public ZptProcessInstances(ZeebeTestEngine engine) {
        this.engine = engine;
    }

    /** Primary: the production REST reader is in the context too, but the test engine has no REST API. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {
        @Bean
        @Primary
        ZptProcessInstances zptProcessInstances(ZeebeTestEngine engine) {
            return new ZptProcessInstances(engine);
        }
    }

    @Override
    public synchronized List<Instance> list() {
        Snapshot s = snapshot();
        return s.instances.keySet().stream().map(s::instance)
                .sorted(Comparator.comparing(Instance::startedAt).reversed()).toList();
    }

    /**
     * The same filters and order as the cluster's search, applied to the record stream; the subject is matched as an
     * element of {@code selectedSubjectIds}, as the production search matches it.
     */
    @Override
    public synchronized Page page(Query query) {
        Snapshot s = snapshot();
        List<Instance> matching = s.instances.keySet().stream()
                .filter(key -> query.subjectId() == null || s.variables(key)
                        .get(Variables.SELECTED_SUBJECT_IDS) instanceof List<?> ids && ids.contains(query.subjectId()))
                .map(s::instance)
                .filter(i -> i.studyId() != null && query.studyIds().contains(i.studyId()))
                .filter(i -> query.state() == null || query.state().equals(i.state()))
                .filter(i -> !query.incidentsOnly() || i.openIncidents() > 0)
                .filter(i -> query.startedFrom() == null || !i.startedAt().isBefore(query.startedFrom()))
                .filter(i -> query.startedBefore() == null || i.startedAt().isBefore(query.startedBefore()))
                .sorted(order(query.sort()))
                .toList();
        int from = Math.min(query.from(), matching.size());
        return new Page(matching.subList(from, Math.min(from + query.size(), matching.size())), matching.size(),
                false);
    }

    /** Newest or oldest first, running instances last when sorted by end; ties by key, newest first. */
    private static Comparator<Instance> order(Sort sort) {
        Comparator<Instance> byKey = Comparator.comparingLong(Instance::key).reversed();
        Comparator<Instant> ended = Comparator.nullsLast(sort == Sort.ENDED_NEWEST
                ? Comparator.<Instant>reverseOrder() : Comparator.<Instant>naturalOrder());
        return switch (sort) {
            case STARTED_OLDEST -> Comparator.comparing(Instance::startedAt).thenComparing(byKey);
            case ENDED_NEWEST, ENDED_OLDEST -> Comparator.comparing(Instance::endedAt, ended).thenComparing(byKey);
            default -> Comparator.comparing(Instance::startedAt).reversed().thenComparing(byKey);
        };
    }

    @Override
    public synchronized Optional<Detail> get(long processInstanceKey) {
        Snapshot s = snapshot();
        if (!s.instances.containsKey(processInstanceKey)) {
            return Optional.empty();
        }
        Map<Long, Incident> open = s.incidents.getOrDefault(processInstanceKey, Map.of());
        Set<Long> stopped = new HashSet<>();
        open.values().forEach(i -> stopped.add(s.incidentElement.get(i.key())));
        Map<String, String> names = this.names.computeIfAbsent(
                s.instances.get(processInstanceKey).getProcessDefinitionKey(), s::names);
        List<ElementRun> history = s.runs.getOrDefault(processInstanceKey, Map.of()).values().stream()
                .map(r -> new ElementRun(r.key, r.elementId, names.getOrDefault(r.elementId, r.elementId), r.type,
                        r.state, stopped.contains(r.key), r.startedAt, r.endedAt))
                .toList();
        return Optional.of(new Detail(s.instance(processInstanceKey),
                new HashSet<>(s.active.getOrDefault(processInstanceKey, Map.of()).values()),
                s.completed.getOrDefault(processInstanceKey, Set.of()),
                open.values().stream().map(i -> new Incident(i.key(), i.elementId(), i.elementInstanceKey(),
                        i.errorType(), i.message(),
                        i.jobKey(), i.createdAt(), i.jobKey() == null ? null : s.jobRetries.get(i.jobKey()))).toList(),
                s.variables(processInstanceKey), history));
    }

    @Override
    public synchronized List<Definition> definitions() {
        return snapshot().definitions.values().stream()
                .map(p -> new Definition(p.getProcessDefinitionKey(), p.getVersion(), p.getResourceName()))
                .sorted(Comparator.comparingInt(Definition::version).reversed()).toList();
    }

    @Override
    public synchronized Optional<String> xml(long processDefinitionKey) {
        return Optional.ofNullable(snapshot().definitions.get(processDefinitionKey))
                .map(p -> new String(p.getResource(), StandardCharsets.UTF_8));
    }

    private Snapshot snapshot() {
        try {
            engine.waitForIdleState(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            // A busy engine still has a consistent log: read what is there.
        }
        Snapshot s = new Snapshot();
        for (Record<?> record : engine.getRecordStreamSource().getRecords()) {
            if (record.getRecordType() == RecordType.EVENT) {
                s.add(record);
            }
        }
        return s;
    }

    private final class Snapshot {
        final Map<Long, Process> definitions = new LinkedHashMap<>();
        final Map<Long, ProcessInstanceRecordValue> instances = new LinkedHashMap<>();
        final Map<Long, Instant> started = new HashMap<>();
        final Map<Long, Instant> ended = new HashMap<>();
        final Map<Long, String> states = new HashMap<>();
        /** Per instance: element instance key -> element id, while active. */
        final Map<Long, Map<Long, String>> active = new HashMap<>();
        final Map<Long, Set<String>> completed = new HashMap<>();
        final Map<Long, Map<Long, Incident>> incidents = new HashMap<>();
        final Map<Long, Map<String, String>> rawVariables = new HashMap<>();
        /** Per instance: element instance key -> its run, in activation order. */
        final Map<Long, Map<Long, Run>> runs = new HashMap<>();
        final Map<Long, Long> incidentElement = new HashMap<>();
        final Map<Long, Integer> jobRetries = new HashMap<>();

        void add(Record<?> record) {
            Intent intent = record.getIntent();
            switch (record.getValueType()) {
                case PROCESS -> {
                    Process p = (Process) record.getValue();
                    if (ProcessDefinition.PROCESS_ID.equals(p.getBpmnProcessId())) {
                        definitions.put(p.getProcessDefinitionKey(), p);
                    }
                }
                case PROCESS_INSTANCE -> element(record, (ProcessInstanceRecordValue) record.getValue(), intent);
                case INCIDENT -> {
                    IncidentRecordValue i = (IncidentRecordValue) record.getValue();
                    if (intent == IncidentIntent.CREATED) {
                        incidents.computeIfAbsent(i.getProcessInstanceKey(), k -> new LinkedHashMap<>())
                                .put(record.getKey(), new Incident(record.getKey(), i.getElementId(),
                                        i.getElementInstanceKey(),
                                        String.valueOf(i.getErrorType()), i.getErrorMessage(),
                                        i.getJobKey() > 0 ? i.getJobKey() : null,
                                        Instant.ofEpochMilli(record.getTimestamp()), null));
                        incidentElement.put(record.getKey(), i.getElementInstanceKey());
                    } else if (intent == IncidentIntent.RESOLVED) {
                        incidents.getOrDefault(i.getProcessInstanceKey(), new HashMap<>()).remove(record.getKey());
                    }
                }
                case VARIABLE -> {
                    VariableRecordValue v = (VariableRecordValue) record.getValue();
                    if (v.getScopeKey() == v.getProcessInstanceKey()) {
                        rawVariables.computeIfAbsent(v.getProcessInstanceKey(), k -> new LinkedHashMap<>())
                                .put(v.getName(), v.getValue());
                    }
                }
                case JOB -> jobRetries.put(record.getKey(), ((JobRecordValue) record.getValue()).getRetries());
                default -> {
                }
            }
        }

        /** Element names from the deployed model, by element id. */
        Map<String, String> names(long processDefinitionKey) {
            Process p = definitions.get(processDefinitionKey);
            Map<String, String> names = new HashMap<>();
            if (p == null) {
                return names;
            }
            BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(p.getResource()));
            for (FlowElement e : model.getModelElementsByType(FlowElement.class)) {
                if (e.getName() != null && !e.getName().isBlank()) {
                    names.put(e.getId(), e.getName());
                }
            }
            return names;
        }

        private void element(Record<?> record, ProcessInstanceRecordValue v, Intent intent) {
            if (!ProcessDefinition.PROCESS_ID.equals(v.getBpmnProcessId())) {
                return;
            }
            long instance = v.getProcessInstanceKey();
            Instant at = Instant.ofEpochMilli(record.getTimestamp());
            if (v.getBpmnElementType() == BpmnElementType.PROCESS) {
                if (intent == ProcessInstanceIntent.ELEMENT_ACTIVATING) {
                    instances.put(instance, v);
                    started.put(instance, at);
                    states.put(instance, "ACTIVE");
                } else if (intent == ProcessInstanceIntent.ELEMENT_COMPLETED) {
                    ended.put(instance, at);
                    states.put(instance, "COMPLETED");
                } else if (intent == ProcessInstanceIntent.ELEMENT_TERMINATED) {
                    ended.put(instance, at);
                    states.put(instance, "TERMINATED");
                }
                return;
            }
            run(record, v, intent, instance, at);
            if (intent == ProcessInstanceIntent.ELEMENT_ACTIVATED) {
                active.computeIfAbsent(instance, k -> new HashMap<>()).put(record.getKey(), v.getElementId());
            } else if (intent == ProcessInstanceIntent.ELEMENT_COMPLETED
                    || intent == ProcessInstanceIntent.ELEMENT_TERMINATED) {
                active.getOrDefault(instance, new HashMap<>()).remove(record.getKey());
                if (intent == ProcessInstanceIntent.ELEMENT_COMPLETED) {
                    completed.computeIfAbsent(instance, k -> new HashSet<>()).add(v.getElementId());
                }
            } else if (intent == ProcessInstanceIntent.SEQUENCE_FLOW_TAKEN) {
                completed.computeIfAbsent(instance, k -> new HashSet<>()).add(v.getElementId());
            }
        }

        private void run(Record<?> record, ProcessInstanceRecordValue v, Intent intent, long instance, Instant at) {
            if (v.getBpmnElementType() == BpmnElementType.SEQUENCE_FLOW) {
                return;
            }
            Map<Long, Run> of = runs.computeIfAbsent(instance, k -> new LinkedHashMap<>());
            if (intent == ProcessInstanceIntent.ELEMENT_ACTIVATING) {
                of.put(record.getKey(), new Run(record.getKey(), v.getElementId(),
                        v.getBpmnElementType().name(), at));
            } else if (of.get(record.getKey()) instanceof Run r) {
                if (intent == ProcessInstanceIntent.ELEMENT_COMPLETED) {
                    r.end("COMPLETED", at);
                } else if (intent == ProcessInstanceIntent.ELEMENT_TERMINATED) {
                    r.end("TERMINATED", at);
                }
            }
        }

        Instance instance(long key) {
            ProcessInstanceRecordValue v = instances.get(key);
            Map<String, Object> vars = variables(key);
            return new Instance(key, v.getProcessDefinitionKey(), v.getVersion(), states.get(key), started.get(key),
                    ended.get(key), incidents.getOrDefault(key, Map.of()).size(), text(vars, Variables.STUDY_ID),
                    ProcessInstances.subjectOf(vars), text(vars, Variables.REQUESTED_BY));
        }

        Map<String, Object> variables(long key) {
            Map<String, Object> parsed = new LinkedHashMap<>();
            rawVariables.getOrDefault(key, Map.of()).forEach((name, value) -> {
                try {
                    parsed.put(name, json.readValue(value, Object.class));
                } catch (JsonProcessingException e) {
                    parsed.put(name, value);
                }
            });
            return parsed;
        }
    }

    /** An element instance as the record stream tells it, filled in as its later records come. */
    private static final class Run {
        final long key;
        final String elementId;
        final String type;
        final Instant startedAt;
        String state = "ACTIVE";
        Instant endedAt;

        Run(long key, String elementId, String type, Instant startedAt) {
            this.key = key;
            this.elementId = elementId;
            this.type = type;
            this.startedAt = startedAt;
        }

        void end(String state, Instant at) {
            this.state = state;
            this.endedAt = at;
        }
    }

    private static String text(Map<String, Object> variables, String name) {
        return variables.get(name) instanceof String s ? s : null;
    }
}
