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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * User tasks through the orchestration cluster's REST API, the only API for Camunda user tasks. Against the
 * in-memory test engine (gRPC only) every call fails fast; tests and the local run replace this bean.
 */
@Component
class CamundaRestUserTasks implements UserTasks {

    /** Search pages; a researcher has a handful of open tasks, so this rarely takes a second page. */
    private static final int PAGE_SIZE = 200;

    private final CamundaClient client;
    private final ObjectMapper json;
    /** Form keys are immutable per deployed form version, so their ids can be cached for good. */
    private final Map<Long, String> formIds = new ConcurrentHashMap<>();

    CamundaRestUserTasks(CamundaClient client) {
        this.client = client;
        this.json = new ObjectMapper();
    }

    @Override
    public List<UserTask> open() {
        return search(f -> f.state(UserTaskState.CREATED).bpmnProcessId(ProcessDefinition.PROCESS_ID));
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
            if (page.items().size() < PAGE_SIZE || page.page().endCursor() == null) {
                return tasks;
            }
            after = page.page().endCursor();
        }
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

    /** The task's variables: the search returns what is visible from the task's scope, local ones included. */
    private Map<String, Object> variables(long userTaskKey) {
        Map<String, Object> variables = new LinkedHashMap<>();
        for (Variable variable : client.newUserTaskVariableSearchRequest(userTaskKey).withFullValues()
                .page(p -> p.limit(PAGE_SIZE * 5)).send().join().items()) {
            variables.put(variable.getName(), parse(variable.getValue()));
        }
        return variables;
    }

    private Object parse(String value) {
        try {
            return value == null ? null : json.readValue(value, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("variable value is not JSON: " + value, e);
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
