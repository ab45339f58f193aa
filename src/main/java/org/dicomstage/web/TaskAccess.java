package org.dicomstage.web;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.Right;
import org.dicomstage.study.StudyAccessDenied;
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

    static final String TASK_COMPLETED = "TASK_COMPLETED";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);

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
            throw deny(user, null, action + " task " + key + ": no such open task", noLongerOpen(user, key));
        }
        String study = studyOf(task);
        if (study == null) {
            if (!user.equals(task.variables().get(Variables.REQUESTED_BY))) {
                throw deny(user, null, action + " task " + key + ": not the requester", notVisible(key));
            }
        } else {
            try {
                // Audits the denial itself.
                studies.requireRight(user, study, rightFor(task));
            } catch (StudyAccessDenied e) {
                if (e.missingRight() == null) {
                    // Not a member: the same words as for a key that does not exist.
                    throw new ApiErrors.Forbidden(e.getMessage(), notVisible(key));
                }
                throw e;
            }
        }
        if (!action.equals("view") && task.assignee() != null && !task.assignee().equals(user)) {
            throw deny(user, study, action + " task " + key + ": assigned to someone else",
                    "Task " + key + " is claimed by " + task.assignee() + ".");
        }
        return task;
    }

    /** Records that the user completed the task, so that someone opening it later learns who and when. */
    void completed(String user, UserTask task) {
        studies.record(user, TASK_COMPLETED, studyOf(task), null, completionDetail(task.key()));
    }

    /**
     * Who completed the task and when, for a member of its study (they could have seen the task itself); for
     * everyone else the same words as for a key that never existed.
     */
    private String noLongerOpen(String user, long key) {
        Optional<AuditEventView> done = studies.lastEvent(TASK_COMPLETED, completionDetail(key));
        Set<String> memberOf = studies.studiesOf(user).stream().map(StudySummary::identifier)
                .collect(Collectors.toSet());
        if (done.isPresent() && (user.equals(done.get().username())
                || done.get().studyIdentifier() != null && memberOf.contains(done.get().studyIdentifier()))) {
            String who = user.equals(done.get().username()) ? "you" : done.get().username();
            return "Task " + key + " was already completed by " + who + " at "
                    + TIME.format(done.get().occurredAt()) + " UTC.";
        }
        return notVisible(key);
    }

    private static String notVisible(long key) {
        return "There is no open task " + key + " that you may see.";
    }

    private static String completionDetail(long key) {
        return "task " + key;
    }

    static String studyOf(UserTask task) {
        Object study = task.variables().get(Variables.STUDY_ID);
        return study instanceof String s && !s.isBlank() ? s : null;
    }

    /** Reviewing needs REVIEW; every other step of the process is part of staging. */
    static Right rightFor(UserTask task) {
        return ProcessDefinition.Elements.REVIEW_STAGED_COPY.equals(task.elementId()) ? Right.REVIEW : Right.STAGE;
    }

    private ApiErrors.Forbidden deny(String user, String study, String detail, String reason) {
        studies.record(user, AuditActions.ACCESS_DENIED, study, null, detail);
        return new ApiErrors.Forbidden(detail, reason);
    }
}
