package org.dicomstage.web;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.Right;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.springframework.stereotype.Component;

/**
 * Which user tasks a user may see and act on. A task belongs to the study in its {@code studyId} variable; before
 * the study is chosen (Activate study), only the requester sees it. Acting needs the step's right in that study
 * and that the task is unassigned or assigned to the user. The engine does not know our memberships, so this
 * check runs on every call, not just when listing.
 */
@Component
class TaskAccess {

    private final UserTasks tasks;
    private final StudyService studies;

    TaskAccess(UserTasks tasks, StudyService studies) {
        this.tasks = tasks;
        this.studies = studies;
    }

    /** The user's open tasks of our process, in the user's studies only. */
    List<UserTask> visibleTo(String user) {
        Set<String> memberOf = studies.studiesOf(user).stream().map(StudySummary::identifier)
                .collect(Collectors.toSet());
        // The engine filters by study and requester; the membership check below still decides, per task.
        return tasks.openFor(memberOf, user).stream()
                .filter(t -> ProcessDefinition.PROCESS_ID.equals(t.bpmnProcessId()))
                .filter(t -> studyOf(t) == null ? user.equals(t.variables().get(Variables.REQUESTED_BY))
                        : memberOf.contains(studyOf(t)))
                .toList();
    }

    /**
     * The task if the user may act on it; otherwise an audited 403, the same for an unknown key as for someone
     * else's task, so keys cannot be probed.
     */
    UserTask require(String user, long key, String action) {
        UserTask task = tasks.get(key).filter(t -> ProcessDefinition.PROCESS_ID.equals(t.bpmnProcessId()))
                .orElse(null);
        if (task == null) {
            throw deny(user, null, action + " task " + key + ": no such open task");
        }
        String study = studyOf(task);
        if (study == null) {
            if (!user.equals(task.variables().get(Variables.REQUESTED_BY))) {
                throw deny(user, null, action + " task " + key + ": not the requester");
            }
        } else {
            // Audits the denial itself.
            studies.requireRight(user, study, rightFor(task));
        }
        if (!action.equals("view") && task.assignee() != null && !task.assignee().equals(user)) {
            throw deny(user, study, action + " task " + key + ": assigned to someone else");
        }
        return task;
    }

    static String studyOf(UserTask task) {
        Object study = task.variables().get(Variables.STUDY_ID);
        return study instanceof String s && !s.isBlank() ? s : null;
    }

    /** Reviewing needs REVIEW; every other step of the process is part of staging. */
    static Right rightFor(UserTask task) {
        return ProcessDefinition.Elements.REVIEW_STAGED_COPY.equals(task.elementId()) ? Right.REVIEW : Right.STAGE;
    }

    private ApiErrors.Forbidden deny(String user, String study, String detail) {
        studies.record(user, AuditActions.ACCESS_DENIED, study, null, detail);
        return new ApiErrors.Forbidden(detail);
    }
}
