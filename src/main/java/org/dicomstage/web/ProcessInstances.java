package org.dicomstage.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read access to the engine's process instances and definitions for the process view and the modeler. Production
 * reads the orchestration cluster's REST search API ({@link CamundaRestProcessInstances}); the in-memory test
 * engine has no REST API, so tests and the local run read its record stream instead. Commands (retry, deploy) go
 * through the Camunda client, which works against both.
 */
public interface ProcessInstances {

    /** Instances of {@link org.dicomstage.workflow.ProcessDefinition#PROCESS_ID}, newest first. */
    List<Instance> list();

    /**
     * Instances whose {@code studyId} variable is one of {@code studyIds}, newest first. An engine that can filter
     * does so itself; this default filters {@link #list()}.
     */
    default List<Instance> list(java.util.Set<String> studyIds) {
        return list().stream().filter(i -> i.studyId() != null && studyIds.contains(i.studyId())).toList();
    }

    /**
     * One page of the instances a {@link Query} matches, filtered, sorted and paged by the engine, with how many
     * match in all: the process list never loads more than one page, so a quiet study's instances stay reachable
     * however many newer ones other studies have.
     */
    Page page(Query query);

    /** What the process list asks for; a null filter is not applied. */
    enum Sort {
        STARTED_NEWEST, STARTED_OLDEST,
        /** Running instances (no end yet) come last, as the cluster's search puts missing values last. */
        ENDED_NEWEST, ENDED_OLDEST
    }

    /**
     * @param studyIds       instances whose {@code studyId} variable is one of these (never empty: the caller decides
     *                       which studies the user may see)
     * @param state          ACTIVE, COMPLETED or TERMINATED
     * @param incidentsOnly  only instances with an open incident
     * @param subjectId      only instances whose {@code selectedSubjectIds} holds this study subject ID
     * @param startedFrom    started at or after
     * @param startedBefore  started before
     * @param page           0-based
     */
    record Query(Set<String> studyIds, String state, boolean incidentsOnly, String subjectId, Instant startedFrom,
                 Instant startedBefore, Sort sort, int page, int size) {

        public Query {
            studyIds = Set.copyOf(studyIds);
        }

        int from() {
            return page * size;
        }
    }

    /**
     * @param total       how many instances match in all
     * @param totalCapped the engine counted no further than {@code total}: more match
     */
    record Page(List<Instance> items, long total, boolean totalCapped) {

        public Page {
            items = List.copyOf(items);
        }
    }

    /** The instance with its element instances, open incidents and process-scope variables; empty if unknown. */
    Optional<Detail> get(long processInstanceKey);

    /** Deployed versions of the process, newest first. */
    List<Definition> definitions();

    /** The BPMN XML of one deployed version. */
    Optional<String> xml(long processDefinitionKey);

    /**
     * @param state ACTIVE, COMPLETED or TERMINATED
     * @param studyId, subjectId, requestedBy from the instance's variables; null while unset
     */
    record Instance(long key, long processDefinitionKey, int version, String state, Instant startedAt,
                    Instant endedAt, int openIncidents, String studyId, String subjectId, String requestedBy) {
    }

    /**
     * @param activeElements ids of elements with an active instance now
     * @param completedElements ids of elements (and sequence flows, where known) that have completed
     * @param variables process-scope variables, JSON-decoded
     * @param history   every element instance but the process itself and sequence flows, in start order
     */
    record Detail(Instance instance, Set<String> activeElements, Set<String> completedElements,
                  List<Incident> incidents, Map<String, Object> variables, List<ElementRun> history) {

        public Detail {
            activeElements = Set.copyOf(activeElements);
            completedElements = Set.copyOf(completedElements);
            incidents = List.copyOf(incidents);
            variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
            history = List.copyOf(history);
        }
    }

    /**
     * One element instance: a task, event, gateway, subprocess, a multi-instance body or one of its inner instances.
     *
     * @param name      the element's name in the model, or its id where it has none
     * @param type      the engine's element type: SERVICE_TASK, USER_TASK, MULTI_INSTANCE_BODY, ...
     * @param state     ACTIVE, COMPLETED or TERMINATED
     * @param incident  an open incident stops it now
     * @param endedAt   null while active
     */
    record ElementRun(long key, String elementId, String name, String type, String state, boolean incident,
                      Instant startedAt, Instant endedAt) {
    }

    /**
     * An open incident; jobKey is null for incidents not raised by a job (e.g. an expression failure).
     *
     * @param elementInstanceKey the element instance it stops (one inner instance of a multi-instance step), or null
     * @param retriesLeft the job's retries now (0 until someone retries), null without a job or when unknown
     */
    record Incident(long key, String elementId, Long elementInstanceKey, String errorType, String message,
                    Long jobKey, Instant createdAt, Integer retriesLeft) {
    }

    record Definition(long key, int version, String resourceName) {
    }

    /**
     * The subject(s) an instance is about: Select patient keeps {@code subjectId} task-local and puts its choice into
     * {@code selectedSubjectIds}; before that step only the start variable (from the lookup's Edit) names one.
     */
    static String subjectOf(Map<String, Object> variables) {
        if (variables.get(org.dicomstage.workflow.ProcessDefinition.Variables.SELECTED_SUBJECT_IDS)
                instanceof List<?> ids && !ids.isEmpty()) {
            return String.join(", ", ids.stream().map(String::valueOf).toList());
        }
        return variables.get(org.dicomstage.workflow.ProcessDefinition.Variables.SUBJECT_ID) instanceof String s
                ? s : null;
    }
}
