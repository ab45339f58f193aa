package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The user tasks of {@link ProcessDefinition#PROCESS_ID}, whatever runs the engine. Camunda user tasks can
 * only be searched and completed through the orchestration cluster's REST API ({@link CamundaRestUserTasks});
 * the in-memory test engine has no REST API, so tests and the local run use a record-stream adapter instead.
 */
public interface UserTasks {

    /** Open tasks of all process instances, oldest first. */
    List<UserTask> open();

    /**
     * Open tasks of the given studies (process variable {@code studyId}) and open tasks requested by
     * {@code requestedBy} whatever their study (before Activate study there is none), each once. An engine that can
     * filter does so itself; this default filters {@link #open()}.
     */
    default List<UserTask> openFor(Set<String> studyIds, String requestedBy) {
        return open().stream()
                .filter(t -> studyIds.contains(t.variables().get(ProcessDefinition.Variables.STUDY_ID))
                        || requestedBy.equals(t.variables().get(ProcessDefinition.Variables.REQUESTED_BY)))
                .toList();
    }

    /** Open tasks of one process instance, oldest first. */
    List<UserTask> open(long processInstanceKey);

    /** The task if it is still open. */
    Optional<UserTask> get(long userTaskKey);

    /** Makes {@code assignee} the task's assignee; fails if someone else already has it. */
    void claim(long userTaskKey, String assignee);

    /** Gives the task back to its candidates. */
    void unclaim(long userTaskKey);

    /** Completes the task; {@code variables} are the submitted form values. Fails if the engine rejects it. */
    void complete(long userTaskKey, Map<String, Object> variables);

    /** The engine refused a user-task command (task gone, already claimed, ...). */
    final class RejectedException extends RuntimeException {
        public RejectedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
