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

    /** Who answers the user tasks. */
    public enum Users {
        /** One loop answers every task, one after the other, each waiting for the engine to take it. */
        ONE_DRIVER,
        /** Each request's researcher answers their own tasks, at the same time as the others. */
        ONE_PER_REQUEST
    }

    /** Requests for the subjects numbered {@code first} to {@code first + subjects - 1}, all at once. */
    public static Outcome run(CamundaClient client, UserTasks tasks, int first, int subjects, Duration timeout) {
        return run(client, tasks, first, subjects, timeout, Users.ONE_DRIVER);
    }

    public static Outcome run(CamundaClient client, UserTasks tasks, int first, int subjects, Duration timeout,
            Users users) {
        Map<Long, String> subjectOf = new java.util.concurrent.ConcurrentHashMap<>();
        Map<Long, Long> startedAt = new HashMap<>();
        for (int n = first; n < first + subjects; n++) {
            long instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID)
                    .latestVersion().variables(Map.of(Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)).send().join()
                    .getProcessInstanceKey();
            subjectOf.put(instance, "HN-%03d".formatted(n));
            startedAt.put(instance, System.nanoTime());
        }
        List<Duration> completed = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        // Tasks answered or being answered: a list of open tasks read before an answer was taken still shows its
        // task, which must not be answered twice (a task key is never used again).
        java.util.Set<Long> answering = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ExecutorService researchers = users == Users.ONE_PER_REQUEST
                ? java.util.concurrent.Executors.newFixedThreadPool(subjects) : null;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (completed.size() + failures.size() < subjects) {
                if (System.nanoTime() > deadline) {
                    subjectOf.forEach((instance, subject) -> failures.add(subject + ": not done within " + timeout
                            + ", open tasks " + tasks.open(instance).stream().map(UserTask::elementId).toList()));
                    break;
                }
                boolean answered = false;
                for (UserTask task : tasks.open()) {
                    String subject = subjectOf.get(task.processInstanceKey());
                    if (subject == null || !answering.add(task.key())) {
                        continue; // someone else's instance, one already counted, or an answer on its way
                    }
                    answered = true;
                    Runnable answer = answer(task, subject, tasks, subjectOf, startedAt, completed, failures);
                    Runnable done = () -> {
                        try {
                            if (answer != null) {
                                answer.run();
                            }
                        } catch (RuntimeException e) {
                            failures.add(subject + ": " + task.elementId() + " not taken: " + e.getMessage());
                            subjectOf.remove(task.processInstanceKey());
                        }
                    };
                    if (researchers != null) {
                        researchers.execute(done);
                    } else {
                        done.run();
                    }
                }
                if (!answered) {
                    Poll.pause(researchers != null ? 10 : 50);
                }
            }
        } finally {
            if (researchers != null) {
                researchers.shutdown(); // the last answers (Accept) still reach the engine
                try {
                    researchers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return new Outcome(List.copyOf(completed), List.copyOf(failures));
    }

    /**
     * What the researcher does with an open task, or null when there is nothing to send. A request's time is
     * taken here, when its review task is first seen.
     */
    private static Runnable answer(UserTask task, String subject, UserTasks tasks, Map<Long, String> subjectOf,
            Map<Long, Long> startedAt, List<Duration> completed, List<String> failures) {
        return switch (task.elementId()) {
            case Elements.ACTIVATE_STUDY -> () -> tasks.complete(task.key(),
                    Map.of(Variables.STUDY_ID, DemoStudyData.RT_HN_2026));
            case Elements.SELECT_PATIENT -> () -> tasks.complete(task.key(), Map.of(
                    Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT, Variables.SUBJECT_ID, subject));
            case Elements.PICK_SERIES -> {
                @SuppressWarnings("unchecked")
                var table = (List<Map<String, Object>>) task.variables().get(Variables.SERIES_TABLE);
                yield () -> tasks.complete(task.key(), Map.of(Variables.PICKED_SERIES_UIDS,
                        table.stream().map(r -> r.get("seriesInstanceUid")).toList()));
            }
            case Elements.CONFIRM_SELECTION -> () -> tasks.complete(task.key(), Map.of(
                    Variables.CONFIRMED_SERIES_UIDS, task.variables().get(Variables.CONFIRMED_SERIES_UIDS)));
            case Elements.REVIEW_STAGED_COPY -> {
                Duration took = Duration.ofNanos(System.nanoTime() - startedAt.get(task.processInstanceKey()));
                subjectOf.remove(task.processInstanceKey());
                if (Boolean.TRUE.equals(task.variables().get(Variables.VERIFIED))) {
                    completed.add(took);
                    yield () -> tasks.complete(task.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
                }
                failures.add(subject + ": not verified, " + task.variables().get(Variables.STAGING_PROBLEMS));
                yield null;
            }
            default -> {
                subjectOf.remove(task.processInstanceKey());
                failures.add(subject + ": unexpected task " + task.elementId() + " " + task.variables()
                        .getOrDefault(Variables.STAGING_PROBLEMS, ""));
                yield null;
            }
        };
    }
}
