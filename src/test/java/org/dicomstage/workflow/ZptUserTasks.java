package org.dicomstage.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.protocol.impl.encoding.MsgPackConverter;
import io.camunda.zeebe.protocol.impl.record.value.usertask.UserTaskRecord;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.intent.Intent;
import io.camunda.zeebe.protocol.record.intent.UserTaskIntent;
import io.camunda.zeebe.protocol.record.value.UserTaskRecordValue;
import io.camunda.zeebe.protocol.record.value.VariableRecordValue;
import io.camunda.zeebe.protocol.record.value.deployment.FormMetadataValue;
import io.camunda.zeebe.protocol.record.value.deployment.Process;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * User tasks of the in-memory test engine, which has no REST API: reads them from the record stream and
 * completes/claims them by writing USER_TASK commands onto the engine's log ({@link ZptCommandWriter}). The
 * engine does the rest exactly as in production (output mappings, assignment, task-state checks), so a
 * rejected command here is a rejected command there.
 */
public final class ZptUserTasks implements UserTasks {

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(30);

    private final ZeebeTestEngine engine;
    private final ZptCommandWriter writer;
    private final ObjectMapper json = new ObjectMapper();
    /** Element names per process definition key; a deployed definition never changes. */
    private final Map<Long, Map<String, String>> elementNames = new ConcurrentHashMap<>();

    private final Duration settle;
    /** What the records read so far say, and how many that is. */
    private final Snapshot state = new Snapshot();
    private int replayed;

    public ZptUserTasks(ZeebeTestEngine engine) {
        this(engine, SETTLE_TIMEOUT);
    }

    /**
     * @param settle how long a read or a command waits for the engine to become idle first. With job workers
     *               polling all the time it rarely is, so a driver of many instances that re-reads anyway passes
     *               {@link Duration#ZERO}.
     */
    public ZptUserTasks(ZeebeTestEngine engine, Duration settle) {
        this.settle = settle;
        this.engine = engine;
        this.writer = new ZptCommandWriter(engine);
    }

    @Override
    public synchronized List<UserTask> open() {
        return snapshot().openTasks();
    }

    @Override
    public synchronized List<UserTask> open(long processInstanceKey) {
        return open().stream().filter(t -> t.processInstanceKey() == processInstanceKey).toList();
    }

    @Override
    public synchronized Optional<UserTask> get(long userTaskKey) {
        return open().stream().filter(t -> t.key() == userTaskKey).findFirst();
    }

    @Override
    public void claim(long userTaskKey, String assignee) {
        send(UserTaskIntent.CLAIM, userTaskKey, new UserTaskRecord().setAssignee(assignee).setAction("claim"));
    }

    @Override
    public void unclaim(long userTaskKey) {
        // As the REST gateway does it: an ASSIGN with an empty assignee.
        send(UserTaskIntent.ASSIGN, userTaskKey, new UserTaskRecord().setAssignee("").setAction("unassign"));
    }

    @Override
    public void complete(long userTaskKey, Map<String, Object> variables) {
        String document;
        try {
            document = json.writeValueAsString(variables == null ? Map.of() : variables);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("variables are not JSON-serializable", e);
        }
        UserTaskRecord command = new UserTaskRecord().setAction("complete")
                .setVariables(new UnsafeBuffer(MsgPackConverter.convertToMsgPack(document)));
        send(UserTaskIntent.COMPLETE, userTaskKey, command);
    }

    /** Writes under the lock, waits without it: many users may complete their tasks at once, as in production. */
    private void send(Intent intent, long userTaskKey, UserTaskRecord command) {
        int before;
        synchronized (this) {
            before = records().size();
            command.setUserTaskKey(userTaskKey);
            writer.write(ValueType.USER_TASK, intent, userTaskKey, command);
        }
        awaitOutcome(intent, userTaskKey, before);
        // Let the engine carry on (next task, jobs) so a following read sees it; best effort, see awaitIdle.
        awaitIdle(settle);
    }

    /**
     * The command has no gRPC caller to answer, so its outcome is read from the log: the engine's final event
     * for it, or a rejection (unknown task, claimed by someone else, ...) or a task listener's denial.
     */
    private void awaitOutcome(Intent intent, long userTaskKey, int from) {
        Intent done = intent == UserTaskIntent.COMPLETE ? UserTaskIntent.COMPLETED : UserTaskIntent.ASSIGNED;
        long deadline = System.nanoTime() + OUTCOME_TIMEOUT.toNanos();
        int next = from;
        while (System.nanoTime() < deadline) {
            // Only the records written since the command: the stream of a busy engine is long.
            List<Record<?>> all = records();
            for (; next < all.size(); next++) {
                Record<?> record = all.get(next);
                if (record.getValueType() != ValueType.USER_TASK || record.getKey() != userTaskKey) {
                    continue;
                }
                if (record.getRecordType() == RecordType.COMMAND_REJECTION && record.getIntent() == intent) {
                    throw new RejectedException(intent + " of user task " + userTaskKey + " rejected: "
                            + record.getRejectionType() + " " + record.getRejectionReason(), null);
                }
                if (record.getRecordType() == RecordType.EVENT) {
                    if (record.getIntent() == done) {
                        return;
                    }
                    if (record.getIntent() == UserTaskIntent.COMPLETION_DENIED
                            || record.getIntent() == UserTaskIntent.ASSIGNMENT_DENIED) {
                        throw new RejectedException(intent + " of user task " + userTaskKey + " denied by a task"
                                + " listener", null);
                    }
                }
            }
            pause();
        }
        throw new IllegalStateException("no outcome of " + intent + " for user task " + userTaskKey + " within "
                + OUTCOME_TIMEOUT);
    }

    /**
     * The engine's records so far, oldest first. The engine appends to this list and never changes what it holds,
     * so a reader that remembers how far it got reads only what is new.
     */
    @SuppressWarnings("unchecked")
    private List<Record<?>> records() {
        return (List<Record<?>>) (List<?>) engine.getRecordStreamSource().getRecords();
    }

    /**
     * Waits until the engine has processed everything, so reads are deterministic in tests. Job workers that
     * poll often (the local run) may keep the engine from ever looking idle; then reads simply go ahead.
     */
    private void awaitIdle(Duration timeout) {
        if (timeout.isZero()) {
            return;
        }
        try {
            engine.waitForIdleState(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        } catch (TimeoutException e) {
            // Not idle: read what is there.
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        }
    }

    /**
     * The state of user tasks, replayed from user task, variable, form and process events: only the records added
     * since the last call are read, so a call costs what happened meanwhile, not everything since the start.
     */
    private Snapshot snapshot() {
        awaitIdle(settle);
        List<Record<?>> all = records();
        for (; replayed < all.size(); replayed++) {
            Record<?> record = all.get(replayed);
            if (record.getRecordType() != RecordType.EVENT) {
                continue;
            }
            switch (record.getValueType()) {
                case USER_TASK -> state.userTask(record.getIntent(), (UserTaskRecordValue) record.getValue());
                case VARIABLE -> {
                    VariableRecordValue v = (VariableRecordValue) record.getValue();
                    state.variables.computeIfAbsent(v.getScopeKey(), k -> new LinkedHashMap<>()).put(v.getName(),
                            v.getValue());
                }
                case FORM -> {
                    FormMetadataValue f = (FormMetadataValue) record.getValue();
                    state.formIds.put(f.getFormKey(), f.getFormId());
                }
                case PROCESS -> {
                    Process p = (Process) record.getValue();
                    elementNames.computeIfAbsent(p.getProcessDefinitionKey(), k -> names(p.getResource()));
                }
                default -> {
                }
            }
        }
        return state;
    }

    private static Map<String, String> names(byte[] bpmn) {
        Map<String, String> names = new HashMap<>();
        for (FlowElement element : Bpmn.readModelFromStream(new ByteArrayInputStream(bpmn))
                .getModelElementsByType(FlowElement.class)) {
            if (element.getName() != null) {
                names.put(element.getId(), element.getName());
            }
        }
        return names;
    }

    private Object parse(String value) {
        try {
            return json.readValue(value, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("variable value is not JSON: " + value, e);
        }
    }

    private final class Snapshot {
        final Map<Long, UserTaskRecordValue> open = new LinkedHashMap<>();
        final Map<Long, String> assignees = new HashMap<>();
        final Map<Long, Map<String, String>> variables = new HashMap<>();
        final Map<Long, String> formIds = new HashMap<>();

        void userTask(Intent intent, UserTaskRecordValue value) {
            long key = value.getUserTaskKey();
            if (intent == UserTaskIntent.CREATED) {
                open.put(key, value);
                assignees.put(key, value.getAssignee());
            } else if (intent == UserTaskIntent.ASSIGNED) {
                assignees.put(key, value.getAssignee());
            } else if (intent == UserTaskIntent.UPDATED && open.containsKey(key)) {
                open.put(key, value);
            } else if (intent == UserTaskIntent.COMPLETED || intent == UserTaskIntent.CANCELED) {
                open.remove(key);
            }
        }

        List<UserTask> openTasks() {
            List<UserTask> tasks = new ArrayList<>();
            for (UserTaskRecordValue t : open.values()) {
                Map<String, Object> visible = new LinkedHashMap<>();
                variables.getOrDefault(t.getProcessInstanceKey(), Map.of()).forEach((n, v) -> visible.put(n, parse(v)));
                variables.getOrDefault(t.getElementInstanceKey(), Map.of()).forEach((n, v) -> visible.put(n, parse(v)));
                String assignee = assignees.get(t.getUserTaskKey());
                tasks.add(new UserTask(t.getUserTaskKey(), t.getProcessInstanceKey(), t.getBpmnProcessId(),
                        t.getElementId(),
                        elementNames.getOrDefault(t.getProcessDefinitionKey(), Map.of()).get(t.getElementId()),
                        formIds.get(t.getFormKey()), assignee == null || assignee.isEmpty() ? null : assignee,
                        t.getCandidateUsersList(), t.getCandidateGroupsList(), visible));
            }
            return tasks;
        }
    }
}
