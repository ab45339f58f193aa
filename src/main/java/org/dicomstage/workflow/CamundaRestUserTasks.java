package org.dicomstage.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientException;
import io.camunda.client.api.search.enums.UserTaskState;
import io.camunda.client.api.search.filter.UserTaskFilter;
import io.camunda.client.api.search.response.SearchResponse;
import io.camunda.client.api.search.response.Variable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * User tasks through the orchestration cluster's REST API, the only API for Camunda user tasks. Against the
 * in-memory test engine (gRPC only) every call fails fast; tests and the local run replace this bean.
 */
@Component
class CamundaRestUserTasks implements UserTasks {

    /** Search page size; every search pages on until the cluster has no more. */
    static final int PAGE_SIZE = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamundaClient client;
    /** Form keys are immutable per deployed form version, so their ids can be cached for good. */
    private final Map<Long, String> formIds = new ConcurrentHashMap<>();

    CamundaRestUserTasks(CamundaClient client) {
        this.client = client;
    }

    @Override
    public List<UserTask> open() {
        return search(f -> f.state(UserTaskState.CREATED).bpmnProcessId(ProcessDefinition.PROCESS_ID));
    }

    /**
     * Filtered by the cluster on the process variables: tasks of the studies, and the requester's own tasks
     * (whose study may not be chosen yet). Keys found by both searches are listed once.
     */
    @Override
    public List<UserTask> openFor(Set<String> studyIds, String requestedBy) {
        Map<Long, UserTask> tasks = new LinkedHashMap<>();
        if (!studyIds.isEmpty()) {
            List<String> values = studyIds.stream().sorted().map(this::jsonValue).toList();
            search(f -> f.state(UserTaskState.CREATED).bpmnProcessId(ProcessDefinition.PROCESS_ID)
                    .processInstanceVariables(List.of(v -> v.name(ProcessDefinition.Variables.STUDY_ID)
                            .value(p -> p.in(values)))))
                    .forEach(t -> tasks.put(t.key(), t));
        }
        search(f -> f.state(UserTaskState.CREATED).bpmnProcessId(ProcessDefinition.PROCESS_ID)
                .processInstanceVariables(List.of(v -> v.name(ProcessDefinition.Variables.REQUESTED_BY)
                        .value(jsonValue(requestedBy)))))
                .forEach(t -> tasks.putIfAbsent(t.key(), t));
        return tasks.values().stream().sorted(java.util.Comparator.comparingLong(UserTask::key)).toList();
    }

    @Override
    public List<UserTask> open(long processInstanceKey) {
        return search(f -> f.state(UserTaskState.CREATED).processInstanceKey(processInstanceKey));
    }

    @Override
    public Optional<UserTask> get(long userTaskKey) {
        return search(f -> f.state(UserTaskState.CREATED).userTaskKey(userTaskKey)).stream().findFirst();
    }

    @Override
    public void claim(long userTaskKey, String assignee) {
        send(() -> client.newAssignUserTaskCommand(userTaskKey).assignee(assignee).allowOverride(false)
                .send().join(), "claim", userTaskKey);
    }

    @Override
    public void unclaim(long userTaskKey) {
        send(() -> client.newUnassignUserTaskCommand(userTaskKey).send().join(), "unclaim", userTaskKey);
    }

    @Override
    public void complete(long userTaskKey, Map<String, Object> variables) {
        send(() -> client.newCompleteUserTaskCommand(userTaskKey).variables(variables).send().join(), "complete",
                userTaskKey);
    }

    private List<UserTask> search(Consumer<UserTaskFilter> filter) {
        List<UserTask> tasks = new ArrayList<>();
        String after = null;
        while (true) {
            String cursor = after;
            SearchResponse<io.camunda.client.api.search.response.UserTask> page = client.newUserTaskSearchRequest()
                    .filter(filter)
                    .sort(s -> s.creationDate().asc())
                    .page(p -> {
                        p.limit(PAGE_SIZE);
                        if (cursor != null) {
                            p.after(cursor);
                        }
                    })
                    .send().join();
            page.items().forEach(task -> tasks.add(toUserTask(task)));
            after = nextCursor(page);
            if (after == null) {
                return tasks;
            }
        }
    }

    /** The cursor of the next page, or null after the last one. */
    static String nextCursor(SearchResponse<?> page) {
        return page.items().size() < PAGE_SIZE || page.page().endCursor() == null ? null : page.page().endCursor();
    }

    private UserTask toUserTask(io.camunda.client.api.search.response.UserTask task) {
        return new UserTask(task.getUserTaskKey(), task.getProcessInstanceKey(), task.getBpmnProcessId(),
                task.getElementId(), task.getName(), formId(task), emptyToNull(task.getAssignee()),
                nullToEmpty(task.getCandidateUsers()), nullToEmpty(task.getCandidateGroups()),
                variables(task.getUserTaskKey()));
    }

    private String formId(io.camunda.client.api.search.response.UserTask task) {
        Long formKey = task.getFormKey();
        if (formKey == null) {
            return null;
        }
        return formIds.computeIfAbsent(formKey,
                k -> client.newUserTaskGetFormRequest(task.getUserTaskKey()).send().join().getFormId());
    }

    /**
     * The task's variables: the search returns what is visible from the task's scope, local ones included. Full
     * values are asked for (the search cuts values over 8 KB otherwise), and a value that still comes back cut is
     * an error naming it: a form must not show a shortened list as if it were the whole.
     */
    private Map<String, Object> variables(long userTaskKey) {
        Map<String, Object> variables = new LinkedHashMap<>();
        String after = null;
        while (true) {
            String cursor = after;
            SearchResponse<Variable> page = client.newUserTaskVariableSearchRequest(userTaskKey).withFullValues()
                    .page(p -> {
                        p.limit(PAGE_SIZE);
                        if (cursor != null) {
                            p.after(cursor);
                        }
                    })
                    .send().join();
            for (Variable variable : page.items()) {
                variables.put(variable.getName(), parse(variable, "user task " + userTaskKey));
            }
            after = nextCursor(page);
            if (after == null) {
                return variables;
            }
        }
    }

    /** A variable's JSON value; a truncated one (never expected with full values asked for) fails, named. */
    static Object parse(Variable variable, String where) {
        if (Boolean.TRUE.equals(variable.isTruncated())) {
            throw new IllegalStateException("variable " + variable.getName() + " of " + where
                    + " came back truncated although full values were requested");
        }
        String value = variable.getValue();
        try {
            return value == null ? null : JSON.readValue(value, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("variable " + variable.getName() + " of " + where + " is not JSON", e);
        }
    }

    private String jsonValue(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void send(Runnable command, String what, long userTaskKey) {
        try {
            command.run();
        } catch (ClientException e) {
            throw new RejectedException(what + " of user task " + userTaskKey + " refused: " + e.getMessage(), e);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static List<String> nullToEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
