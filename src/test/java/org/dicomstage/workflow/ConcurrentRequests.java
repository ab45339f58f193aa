package org.dicomstage.workflow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camunda.client.CamundaClient;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.Poll;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Variables;

/**
 * Many staging requests at once, driven through the user tasks as a researcher would: one process instance per
 * subject (HN-001, HN-002, ...), all started together, every open task answered as it appears (pick every series,
 * confirm, accept). One loop serves all instances: reading open tasks from the in-memory engine is one pass over
 * its record stream, whatever the number of instances.
 *
 * <p>A request's time runs from starting its instance until its review task shows the verified copy.
 */
public final class ConcurrentRequests {

    /** Completion times of the requests that ended verified; failures name the subject and why. */
    public record Outcome(List<Duration> completed, List<String> failures) {

        public Duration percentile(double p) {
            List<Duration> sorted = completed.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return Duration.ZERO;
            }
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }

        public String summary() {
            return completed.size() + " verified, " + failures.size() + " failed; p50 " + percentile(50).toMillis()
                    + " ms, p95 " + percentile(95).toMillis() + " ms, max " + percentile(100).toMillis() + " ms";
        }
    }

    private ConcurrentRequests() {
    }

    /** One generated CT series of {@code instances} slices per subject PID-0001.. in Study0; returns the count. */
    public static int seed(EmbeddedArchive study0, Path scratch, int subjects, int instances) {
        int imported = 0;
        for (int n = 1; n <= subjects; n++) {
            Path dir = scratch.resolve("subject-" + n);
            CtSeriesGenerator.write(dir, instances, "Load^Subject" + n, DemoStudyData.pid(n));
            imported += study0.importDirectory(dir);
        }
        return imported;
    }

    public static Outcome run(CamundaClient client, UserTasks tasks, int subjects, Duration timeout) {
        return run(client, tasks, 1, subjects, timeout);
    }

    /** Requests for the subjects numbered {@code first} to {@code first + subjects - 1}, all at once. */
    public static Outcome run(CamundaClient client, UserTasks tasks, int first, int subjects, Duration timeout) {
        Map<Long, String> subjectOf = new LinkedHashMap<>();
        Map<Long, Long> startedAt = new HashMap<>();
        for (int n = first; n < first + subjects; n++) {
            long instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID)
                    .latestVersion().variables(Map.of(Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)).send().join()
                    .getProcessInstanceKey();
            subjectOf.put(instance, "HN-%03d".formatted(n));
            startedAt.put(instance, System.nanoTime());
        }
        List<Duration> completed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completed.size() + failures.size() < subjects) {
            if (System.nanoTime() > deadline) {
                subjectOf.forEach((instance, subject) -> failures.add(subject + ": not done within " + timeout
                        + ", open tasks " + tasks.open(instance).stream().map(UserTask::elementId).toList()));
                break;
            }
            boolean answered = false;
            for (UserTask task : tasks.open()) {
                String subject = subjectOf.get(task.processInstanceKey());
                if (subject == null) {
                    continue; // someone else's instance, or one already counted
                }
                answered = true;
                switch (task.elementId()) {
                    case Elements.ACTIVATE_STUDY -> tasks.complete(task.key(),
                            Map.of(Variables.STUDY_ID, DemoStudyData.RT_HN_2026));
                    case Elements.SELECT_PATIENT -> tasks.complete(task.key(), Map.of(
                            Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT, Variables.SUBJECT_ID, subject));
                    case Elements.PICK_SERIES -> {
                        @SuppressWarnings("unchecked")
                        var table = (List<Map<String, Object>>) task.variables().get(Variables.SERIES_TABLE);
                        tasks.complete(task.key(), Map.of(Variables.PICKED_SERIES_UIDS,
                                table.stream().map(r -> r.get("seriesInstanceUid")).toList()));
                    }
                    case Elements.CONFIRM_SELECTION -> tasks.complete(task.key(), Map.of(
                            Variables.CONFIRMED_SERIES_UIDS, task.variables().get(Variables.CONFIRMED_SERIES_UIDS)));
                    case Elements.REVIEW_STAGED_COPY -> {
                        Duration took = Duration.ofNanos(System.nanoTime() - startedAt.get(task.processInstanceKey()));
                        subjectOf.remove(task.processInstanceKey());
                        if (Boolean.TRUE.equals(task.variables().get(Variables.VERIFIED))) {
                            completed.add(took);
                            tasks.complete(task.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
                        } else {
                            failures.add(subject + ": not verified, " + task.variables().get(
                                    Variables.STAGING_PROBLEMS));
                        }
                    }
                    default -> {
                        subjectOf.remove(task.processInstanceKey());
                        failures.add(subject + ": unexpected task " + task.elementId() + " " + task.variables()
                                .getOrDefault(Variables.STAGING_PROBLEMS, ""));
                    }
                }
            }
            if (!answered) {
                Poll.pause(50);
            }
        }
        return new Outcome(completed, failures);
    }
}
