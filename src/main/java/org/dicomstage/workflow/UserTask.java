package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;

/**
 * An open Camunda user task as the web UI needs it: which step ({@code elementId}, {@code name}), which form
 * to render ({@code formId}, see {@link ProcessDefinition.Forms}), whose it is, and the variables the form reads.
 *
 * @param key the user task key (what complete/claim take)
 * @param variables the variables visible to the task (process scope, task-local ones win), JSON-decoded
 * @param assignee null when unassigned
 */
public record UserTask(
        long key,
        long processInstanceKey,
        String bpmnProcessId,
        String elementId,
        String name,
        String formId,
        String assignee,
        List<String> candidateUsers,
        List<String> candidateGroups,
        Map<String, Object> variables) {

    public UserTask {
        candidateUsers = List.copyOf(candidateUsers);
        candidateGroups = List.copyOf(candidateGroups);
        // Map.copyOf rejects null values, and a JSON null is a legitimate variable value.
        variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
    }
}
