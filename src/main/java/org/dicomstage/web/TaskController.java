package org.dicomstage.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dicomstage.study.Right;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The tasks view: list, claim, unclaim, read a task with its form, and complete it. */
@RestController
class TaskController {

    private final TaskAccess access;
    private final UserTasks tasks;
    private final Forms forms;
    private final StudyService studies;

    TaskController(TaskAccess access, UserTasks tasks, Forms forms, StudyService studies) {
        this.access = access;
        this.tasks = tasks;
        this.forms = forms;
        this.studies = studies;
    }

    @GetMapping("/api/tasks")
    List<TaskSummary> list(@RequestParam(required = false) Long processInstanceKey, Principal user) {
        return access.visibleTo(user.getName()).stream()
                .filter(t -> processInstanceKey == null || t.processInstanceKey() == processInstanceKey)
                .map(t -> TaskSummary.of(t, access.note(user.getName(), t))).toList();
    }

    @GetMapping("/api/tasks/{key}")
    TaskDetail get(@PathVariable long key, Principal user) {
        UserTask task = access.require(user.getName(), key, "view");
        return new TaskDetail(TaskSummary.of(task, access.note(user.getName(), task)),
                ProcessController.withoutSecrets(task.variables()));
    }

    @PostMapping("/api/tasks/{key}/claim")
    ResponseEntity<Void> claim(@PathVariable long key, Principal user) {
        UserTask task = access.require(user.getName(), key, "claim");
        tasks.claim(key, user.getName());
        access.claimed(user.getName(), task);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/tasks/{key}/unclaim")
    ResponseEntity<Void> unclaim(@PathVariable long key, Principal user) {
        UserTask task = access.require(user.getName(), key, "unclaim");
        tasks.unclaim(key);
        access.unclaimed(user.getName(), task);
        return ResponseEntity.noContent().build();
    }

    /** Only the form's own fields are passed on: the browser cannot set other process variables. */
    @PostMapping("/api/tasks/{key}/complete")
    ResponseEntity<Void> complete(@PathVariable long key, @RequestBody Map<String, Object> submitted,
                                  Principal user) {
        UserTask task = access.require(user.getName(), key, "complete");
        Map<String, Object> variables = new LinkedHashMap<>();
        for (String name : forms.submittableKeys(task.formId())) {
            if (submitted.containsKey(name)) {
                variables.put(name, submitted.get(name));
            }
        }
        if (ProcessDefinition.Elements.ACTIVATE_STUDY.equals(task.elementId())) {
            // The chosen study is the one the rest of the process works in: the user must be able to stage there.
            Object chosen = variables.get(Variables.STUDY_ID);
            if (!(chosen instanceof String study)) {
                throw new ApiErrors.BadRequest("Choose a study.");
            }
            Ids.study(study);
            studies.requireRight(user.getName(), study, Right.STAGE);
        }
        if (ProcessDefinition.Elements.REVIEW_STAGED_COPY.equals(task.elementId())) {
            // Who reviewed, from the session: the cancel path records them as who cancelled.
            variables.put(Variables.REVIEWED_BY, user.getName());
        }
        tasks.complete(key, variables);
        access.completed(user.getName(), task, variables);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/forms/{formId}")
    ResponseEntity<JsonNode> form(@PathVariable String formId) {
        return ResponseEntity.of(forms.form(formId));
    }

    /**
     * @param candidates who the task is offered to besides its assignee (the review's reviewers); empty for others
     * @param note       what the user should know before acting (four eyes), or null
     */
    record TaskSummary(String key, String processInstanceKey, String elementId, String name, String formId,
                       String assignee, String studyId, String subject, List<String> candidates, String note) {

        // Keys as strings: they exceed JavaScript's safe integers.
        static TaskSummary of(UserTask t, String note) {
            String subject = ProcessInstances.subjectOf(t.variables());
            return new TaskSummary(Long.toString(t.key()), Long.toString(t.processInstanceKey()), t.elementId(),
                    t.name(), t.formId(), t.assignee(), TaskAccess.studyOf(t), subject, t.candidateUsers(), note);
        }
    }

    record TaskDetail(TaskSummary task, Map<String, Object> variables) {
    }
}
