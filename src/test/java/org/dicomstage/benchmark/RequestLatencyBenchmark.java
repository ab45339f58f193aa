package org.dicomstage.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.camunda.client.CamundaClient;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.intent.JobBatchIntent;
import io.camunda.zeebe.protocol.record.intent.JobIntent;
import io.camunda.zeebe.protocol.record.intent.ProcessInstanceIntent;
import io.camunda.zeebe.protocol.record.intent.UserTaskIntent;
import io.camunda.zeebe.protocol.record.value.BpmnElementType;
import io.camunda.zeebe.protocol.record.value.JobBatchRecordValue;
import io.camunda.zeebe.protocol.record.value.ProcessInstanceRecordValue;
import io.camunda.zeebe.protocol.record.value.UserTaskRecordValue;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.workflow.ConcurrentRequests;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ZptUserTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The latency of one staging request at a time, with the job workers on job streaming (the default) and on polling
 * only, in the same run on the same data: Confirm completed → Review task created (staged and verified), and the
 * instance's start → Review task created, each with the engine's share.
 *
 * <p>All times come from the engine's own record timestamps. The engine's share is the time in which neither a job
 * worker held one of the instance's jobs (job activated → its complete, fail or error command) nor a user held a
 * user task (created → complete command): the engine processing, and jobs waiting to be handed out (polling or
 * streaming). The first request of each mode only warms up and is not counted.
 *
 * <p>Runs with {@code scripts/benchmark -Dtest=RequestLatencyBenchmark}; {@code -Dbenchmark.latency-requests=N}
 * (default 8, at most 12: 2 N + 2 demo subjects are used) and {@code -Dbenchmark.series-instances=N} (default 10).
 */
class RequestLatencyBenchmark {

    private static final int REQUESTS = Integer.getInteger("benchmark.latency-requests", 8);
    private static final int INSTANCES = Integer.getInteger("benchmark.series-instances", 10);

    @TempDir
    Path temp;

    @Test
    void oneRequestAtATime() {
        Map<String, List<Latency>> byMode = new LinkedHashMap<>();
        byMode.put("job streaming (default)", run(1, Map.of()));
        byMode.put("polling only", run(REQUESTS + 2,
                Map.of("camunda.client.worker.defaults.stream-enabled", "false")));
        System.out.printf(Locale.ROOT, "%nOne staging request at a time, %d CT instances, %d requests per mode after one"
                + " warm-up (%d cores); min / median / max in ms%n", INSTANCES, REQUESTS,
                Runtime.getRuntime().availableProcessors());
        byMode.forEach((mode, latencies) -> {
            System.out.printf(Locale.ROOT, "  %s%n", mode);
            print("    Confirm -> Review          ", latencies, Latency::confirmToReview);
            print("      engine share             ", latencies, Latency::engineConfirmToReview);
            print("    start -> Review             ", latencies, Latency::startToReview);
            print("      engine share             ", latencies, Latency::engineStartToReview);
        });
        List<List<Latency>> modes = List.copyOf(byMode.values());
        System.out.printf(Locale.ROOT, "  ratio polling / streaming (median): Confirm -> Review %.2f x, its engine"
                        + " share %.2f x%n",
                median(modes.get(1), Latency::confirmToReview) / median(modes.get(0), Latency::confirmToReview),
                median(modes.get(1), Latency::engineConfirmToReview)
                        / Math.max(1, median(modes.get(0), Latency::engineConfirmToReview)));
        System.out.printf(Locale.ROOT, "target: median engine share per request <= 30 ms -> streaming %.0f ms: %s%n",
                median(modes.get(0), Latency::engineConfirmToReview),
                median(modes.get(0), Latency::engineConfirmToReview) <= 30 ? "met" : "NOT met");
    }

    /** Requests for subjects {@code first} .. {@code first + REQUESTS}, one after the other, in a fresh context. */
    private List<Latency> run(int first, Map<String, Object> properties) {
        Path root = temp.resolve("from-" + first);
        try (ConfigurableApplicationContext app = ConcurrentRequestsBenchmark.embeddedDefaults(root, properties)) {
            DicomNodeRegistry nodes = app.getBean(DicomNodeRegistry.class);
            ZeebeTestEngine engine = app.getBean(ZeebeTestEngine.class);
            CamundaClient client = app.getBean(CamundaClient.class);
            ZptUserTasks tasks = new ZptUserTasks(engine, Duration.ZERO);
            ConcurrentRequests.seed(nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow(), root.resolve("generated"),
                    first + REQUESTS, INSTANCES);
            for (int n = first; n <= first + REQUESTS; n++) {
                ConcurrentRequests.Outcome outcome = ConcurrentRequests.run(client, tasks, n, 1,
                        Duration.ofMinutes(2));
                assertThat(outcome.failures()).as("request for subject %d", n).isEmpty();
            }
            List<Latency> all = latencies(engine);
            assertThat(all).hasSize(REQUESTS + 1);
            return all.subList(1, all.size());
        }
    }

    /** Per instance that reached its review task, in start order, from the engine's record stream. */
    static List<Latency> latencies(ZeebeTestEngine engine) {
        Map<Long, Timeline> timelines = new LinkedHashMap<>();
        Map<Long, Long> instanceOfJob = new HashMap<>();
        Map<Long, Long> heldSince = new HashMap<>();
        Map<Long, Timeline> timelineOfTask = new HashMap<>();
        for (Record<?> r : engine.getRecordStreamSource().getRecords()) {
            long at = r.getTimestamp();
            switch (r.getValueType()) {
                case PROCESS_INSTANCE -> {
                    ProcessInstanceRecordValue v = (ProcessInstanceRecordValue) r.getValue();
                    if (r.getRecordType() == RecordType.EVENT && r.getIntent() == ProcessInstanceIntent.ELEMENT_ACTIVATING
                            && v.getBpmnElementType() == BpmnElementType.PROCESS) {
                        timelines.put(r.getKey(), new Timeline(at));
                    }
                }
                case JOB_BATCH -> {
                    if (r.getRecordType() == RecordType.EVENT && r.getIntent() == JobBatchIntent.ACTIVATED) {
                        JobBatchRecordValue v = (JobBatchRecordValue) r.getValue();
                        for (int i = 0; i < v.getJobKeys().size(); i++) {
                            instanceOfJob.put(v.getJobKeys().get(i), v.getJobs().get(i).getProcessInstanceKey());
                            heldSince.put(v.getJobKeys().get(i), at);
                        }
                    }
                }
                case JOB -> {
                    if (r.getRecordType() == RecordType.COMMAND && Set.of(JobIntent.COMPLETE, JobIntent.FAIL,
                            JobIntent.THROW_ERROR).contains(r.getIntent()) && heldSince.containsKey(r.getKey())) {
                        Timeline t = timelines.get(instanceOfJob.getOrDefault(r.getKey(), -1L));
                        long since = heldSince.remove(r.getKey());
                        if (t != null) {
                            t.held.add(new long[] {since, at});
                        }
                    }
                }
                case USER_TASK -> {
                    // A command carries the task key only: the instance is known from the task's creation.
                    UserTaskRecordValue v = (UserTaskRecordValue) r.getValue();
                    if (r.getRecordType() == RecordType.EVENT && r.getIntent() == UserTaskIntent.CREATED) {
                        Timeline t = timelines.get(v.getProcessInstanceKey());
                        if (t != null) {
                            timelineOfTask.put(r.getKey(), t);
                            t.taskCreated.put(r.getKey(), at);
                            t.elementOfTask.put(r.getKey(), v.getElementId());
                            if (Elements.REVIEW_STAGED_COPY.equals(v.getElementId()) && t.review < 0) {
                                t.review = at;
                            }
                        }
                    } else if (r.getRecordType() == RecordType.COMMAND && r.getIntent() == UserTaskIntent.COMPLETE
                            && timelineOfTask.containsKey(r.getKey())) {
                        Timeline t = timelineOfTask.get(r.getKey());
                        t.held.add(new long[] {t.taskCreated.remove(r.getKey()), at});
                        if (Elements.CONFIRM_SELECTION.equals(t.elementOfTask.get(r.getKey()))) {
                            t.confirmed = at;
                        }
                    }
                }
                default -> {
                }
            }
        }
        return timelines.values().stream().filter(t -> t.review > 0 && t.confirmed > 0)
                .sorted(Comparator.comparingLong(t -> t.start)).map(Timeline::latency).toList();
    }

    private static final class Timeline {
        final long start;
        long confirmed = -1;
        long review = -1;
        final Map<Long, Long> taskCreated = new HashMap<>();
        final Map<Long, String> elementOfTask = new HashMap<>();
        final List<long[]> held = new ArrayList<>();

        Timeline(long start) {
            this.start = start;
        }

        Latency latency() {
            return new Latency(review - confirmed, engine(confirmed, review), review - start, engine(start, review));
        }

        /** The part of [from, to] in which no worker or user held any of this instance's work. */
        long engine(long from, long to) {
            List<long[]> clipped = held.stream().map(h -> new long[] {Math.max(h[0], from), Math.min(h[1], to)})
                    .filter(h -> h[1] > h[0]).sorted(Comparator.comparingLong(h -> h[0])).toList();
            long covered = 0;
            long end = from;
            for (long[] h : clipped) {
                if (h[1] > end) {
                    covered += h[1] - Math.max(h[0], end);
                    end = h[1];
                }
            }
            return (to - from) - covered;
        }
    }

    record Latency(long confirmToReview, long engineConfirmToReview, long startToReview, long engineStartToReview) {
    }

    private static void print(String label, List<Latency> latencies, java.util.function.ToLongFunction<Latency> f) {
        long[] sorted = latencies.stream().mapToLong(f).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s %6d / %6.0f / %6d%n", label, sorted[0], median(latencies, f),
                sorted[sorted.length - 1]);
    }

    private static double median(List<Latency> latencies, java.util.function.ToLongFunction<Latency> f) {
        long[] sorted = latencies.stream().mapToLong(f).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
