package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.dicomstage.testing.Poll;

/**
 * Tiny stand-ins for the job workers, for process tests only: each call works the jobs of one type for one
 * process instance, the way the real worker would answer. Explicit activation (no background polling) keeps
 * the tests deterministic.
 */
final class TestJobs {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CamundaClient client;
    private final long processInstanceKey;

    TestJobs(CamundaClient client, long processInstanceKey) {
        this.client = client;
        this.processInstanceKey = processInstanceKey;
    }

    /** Completes the single job of {@code type} with {@code variables}. */
    ActivatedJob complete(String type, Map<String, Object> variables) {
        ActivatedJob job = single(type);
        client.newCompleteCommand(job).variables(variables).send().join();
        return job;
    }

    /** Completes each of the {@code count} parallel jobs of {@code type} with what {@code answer} gives it. */
    List<ActivatedJob> completeEach(String type, int count, Function<ActivatedJob, Map<String, Object>> answer) {
        List<ActivatedJob> jobs = activate(type, count);
        for (ActivatedJob job : jobs) {
            client.newCompleteCommand(job).variables(answer.apply(job)).send().join();
        }
        return jobs;
    }

    /** The worker's way of saying "business error": a BPMN error the model catches. */
    ActivatedJob throwError(String type, String errorCode, String message) {
        ActivatedJob job = single(type);
        client.newThrowErrorCommand(job).errorCode(errorCode).errorMessage(message).send().join();
        return job;
    }

    /** A business error with the variables a worker sends along (JobSupport: inputProblem, accessProblem). */
    ActivatedJob throwError(String type, String errorCode, String message, Map<String, Object> variables) {
        ActivatedJob job = single(type);
        client.newThrowErrorCommand(job).errorCode(errorCode).errorMessage(message).variables(variables).send().join();
        return job;
    }

    private ActivatedJob single(String type) {
        return activate(type, 1).getFirst();
    }

    private List<ActivatedJob> activate(String type, int count) {
        List<ActivatedJob> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (jobs.size() < count && System.nanoTime() < deadline) {
            for (ActivatedJob job : client.newActivateJobsCommand().jobType(type).maxJobsToActivate(count + 5)
                    .timeout(Duration.ofMinutes(5)).requestTimeout(Duration.ofSeconds(1)).send().join().getJobs()) {
                assertThat(job.getProcessInstanceKey()).as("a %s job of another instance is still open", type)
                        .isEqualTo(processInstanceKey);
                jobs.add(job);
            }
            if (jobs.size() < count) {
                Poll.pause(50);
            }
        }
        assertThat(jobs).as("%s jobs of process instance %s", type, processInstanceKey).hasSize(count);
        return jobs;
    }
}
