package org.dicomstage.web;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.AuditEventView;
import org.dicomstage.study.ReviewSettings;
import org.dicomstage.study.Right;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.study.StudyService;
import org.dicomstage.study.StudySummary;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.springframework.stereotype.Component;

/**
 * Which user tasks a user may see and act on. A task belongs to the study in its {@code studyId} variable; before
 * the study is chosen (Activate study), only the requester sees it. Acting needs the step's right in that study
 * and that the task is unassigned or assigned to the user. The review is offered to its candidate users (the
 * study's reviewers, see {@link ReviewSettings}): only they and the requester see it, and under four eyes the
 * requester may look at it but neither claim nor complete it. The engine does not know our memberships, so this
 * check runs on every call, not just when listing. Claims, unclaims and completions are audited with the acting
 * user, the review's decision too.
 */
@Component
class TaskAccess {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);

    private final UserTasks tasks;
    private final StudyService studies;
    private final ReviewSettings review;

    TaskAccess(UserTasks tasks, StudyService studies, ReviewSettings review) {
        this.tasks = tasks;
        this.studies = studies;
        this.review = review;
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
                .filter(t -> !isReview(t) || t.candidateUsers().isEmpty() || t.candidateUsers().contains(user)
                        || user.equals(t.variables().get(Variables.REQUESTED_BY)))
                .toList();
    }

    /**
     * What the user should know before acting on the task, or null: under four eyes, that the requester's own
     * copy is reviewed by someone else.
     */
    String note(String user, UserTask task) {
        if (isReview(task) && fourEyesBlocks(user, task)) {
            return fourEyesMessage(studyOf(task));
        }
        return null;
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
        if (isReview(task) && (action.equals("claim") || action.equals("complete"))) {
            requireReviewer(user, task, action);
        }
        if (!action.equals("view") && task.assignee() != null && !task.assignee().equals(user)) {
            throw deny(user, study, action + " task " + key + ": assigned to someone else",
                    "Task " + key + " is claimed by " + task.assignee() + ".");
        }
        return task;
    }

    /** Under four eyes, the requester may not review their own copy; and the review goes to its candidates. */
    private void requireReviewer(String user, UserTask task, String action) {
        String study = studyOf(task);
        if (fourEyesBlocks(user, task)) {
            studies.record(user, AuditActions.FOUR_EYES_REFUSED, study, null, action + " " + describe(task)
                    + ": the requester may not review their own copy");
            throw new ApiErrors.Forbidden(action + " task " + task.key() + ": four eyes", fourEyesMessage(study));
        }
        List<String> candidates = task.candidateUsers();
        if (!candidates.isEmpty() && !candidates.contains(user)) {
            throw deny(user, study, action + " task " + task.key() + ": not a candidate reviewer",
                    "The review of this copy is offered to " + String.join(", ", candidates)
                            + "; you are not among them.");
        }
    }

    /** The study's current setting decides, not the one the copy was verified under: it may have been turned on. */
    private boolean fourEyesBlocks(String user, UserTask task) {
        String study = studyOf(task);
        return study != null && user.equals(task.variables().get(Variables.REQUESTED_BY)) && review.fourEyes(study);
    }

    private static String fourEyesMessage(String study) {
        return "Four eyes: you requested this copy, so another member with the review right in " + study
                + " must review it.";
    }

    void claimed(String user, UserTask task) {
        studies.record(user, AuditActions.TASK_CLAIMED, studyOf(task), null, describe(task));
    }

    void unclaimed(String user, UserTask task) {
        studies.record(user, AuditActions.TASK_UNCLAIMED, studyOf(task), null, describe(task)
                + (task.assignee() == null ? "" : ", was claimed by " + task.assignee()));
    }

    /**
     * Records that the user completed the task, so that someone opening it later learns who and when; for the
     * review also what they decided, on whose copy.
     */
    void completed(String user, UserTask task, Map<String, Object> submitted) {
        studies.record(user, AuditActions.TASK_COMPLETED, studyOf(task), null, completionDetail(task.key()));
        if (!isReview(task)) {
            return;
        }
        Object decision = submitted.get(Variables.REVIEW_DECISION);
        String action = Decisions.ACCEPT.equals(decision) ? AuditActions.REVIEW_ACCEPTED
                : Decisions.SEND_BACK.equals(decision) ? AuditActions.REVIEW_SENT_BACK
                : Decisions.CANCEL.equals(decision) ? AuditActions.REVIEW_CANCELLED : null;
        if (action != null) {
            Object words = Decisions.CANCEL.equals(decision) ? submitted.get(Variables.CANCEL_REASON)
                    : submitted.get(Variables.REVIEW_COMMENT);
            studies.record(user, action, studyOf(task), null, describe(task)
                    + (words instanceof String w && !w.isBlank() ? ": " + w : ""));
        }
    }

    /** "task 42 (Review staged copy) of process 7, requested by researcher" */
    private static String describe(UserTask task) {
        Object requester = task.variables().get(Variables.REQUESTED_BY);
        return completionDetail(task.key()) + " (" + (task.name() == null ? task.elementId() : task.name())
                + ") of process " + task.processInstanceKey() + (requester == null ? "" : ", requested by " + requester);
    }

    private static boolean isReview(UserTask task) {
        return ProcessDefinition.Elements.REVIEW_STAGED_COPY.equals(task.elementId());
    }

    /**
     * Who completed the task and when, for a member of its study (they could have seen the task itself); for
     * everyone else the same words as for a key that never existed.
     */
    private String noLongerOpen(String user, long key) {
        Optional<AuditEventView> done = studies.lastEvent(AuditActions.TASK_COMPLETED, completionDetail(key));
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
