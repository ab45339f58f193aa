package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.BpmnError;
import io.camunda.client.exception.JobError;
import org.dicomstage.dicom.DicomNodeException;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** How a job's outcome reaches the engine: BPMN error, retry with backoff, or an incident that reads well. */
class JobSupportTest {

    private final WorkflowProperties properties = new WorkflowProperties(Duration.ofSeconds(5), Duration.ofMinutes(1),
            50, Duration.ofSeconds(5));
    private final JobSupport jobs = new JobSupport(properties);

    @Test
    void backoffDoublesFromFiveSecondsAndIsCapped() {
        assertThat(properties.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.backoff(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.backoff(100)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aTechnicalFailureIsRetriedWithGrowingBackoffAndAReadableMessage() {
        JobError first = fail(job(JobTypes.STAGE_SERIES, 5));
        assertThat(first.getRetries()).isEqualTo(4);
        assertThat(first.getRetryBackoff()).isEqualTo(Duration.ofSeconds(5));
        JobError third = fail(job(JobTypes.STAGE_SERIES, 3));
        assertThat(third.getRetryBackoff()).isEqualTo(Duration.ofSeconds(20));

        JobError last = fail(job(JobTypes.STAGE_SERIES, 1));
        assertThat(last.getRetries()).isZero();
        // What the SDK sends as the incident's message: the "stack trace" is just the sentence.
        StringWriter trace = new StringWriter();
        last.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString().strip()).isEqualTo("staging series CT (1.2.3) failed: node 'study0'"
                + " (STUDY0@pacs:104): C-FIND failed: Connection refused (no retries left)");
    }

    @Test
    void whenDescribingTheFailedJobFailsTooTheIncidentStillShowsTheJobsOwnFailure() {
        JobError error = catchThrowableOfType(JobError.class, () -> jobs.run(job(JobTypes.STAGE_SERIES, 1), "S",
                Set.of(), () -> {
                    throw new IllegalStateException("database down while reading the route");
                }, () -> {
                    throw new DicomNodeException("node 'study0' (STUDY0@pacs:104): C-FIND failed: Connection refused");
                }));

        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString().strip()).isEqualTo("job " + JobTypes.STAGE_SERIES + " failed: node 'study0'"
                + " (STUDY0@pacs:104): C-FIND failed: Connection refused (no retries left)");
    }

    @Test
    void accessDeniedIsTheBpmnErrorTheModelCatchesWithTheReason() {
        BpmnError error = catchThrowableOfType(BpmnError.class, () -> jobs.run(job(JobTypes.CHECK_ACCESS, 3), "S",
                Set.of(Errors.ACCESS_DENIED), "checking access", () -> {
                    throw new StudyAccessDenied("eve", "S", "User 'eve' is not a member of study 'S'");
                }));
        assertThat(error.getErrorCode()).isEqualTo(Errors.ACCESS_DENIED);
        assertThat(error.getVariables()).isEqualTo(Map.of(ProcessDefinition.Variables.ACCESS_PROBLEM,
                "User 'eve' is not a member of study 'S'"));
    }

    @Test
    void fixableInputIsTheBpmnErrorTheModelCatchesWithTheMessageForTheForm() {
        BpmnError error = catchThrowableOfType(BpmnError.class, () -> jobs.run(job(JobTypes.QUERY_STUDY0, 3), "S",
                Set.of(Errors.SUBJECT_UNAVAILABLE), "querying Study0", () -> {
                    throw FixableInput.subjectUnavailable("Subject HN-009 is no longer enrolled in S.");
                }));
        assertThat(error.getErrorCode()).isEqualTo(Errors.SUBJECT_UNAVAILABLE);
        assertThat(error.getVariables()).isEqualTo(Map.of(ProcessDefinition.Variables.INPUT_PROBLEM,
                "Subject HN-009 is no longer enrolled in S."));
    }

    @Test
    void inputNoUserCanFixIsStillAnIncidentAtOnce() {
        JobError error = catchThrowableOfType(JobError.class, () -> jobs.run(job(JobTypes.STAGE_SERIES, 5), "S",
                Set.of(), "staging series CT (1.2.3)", () -> {
                    throw new RejectedInput("series 1.2.3 is not registered in staging request 7 of study 'S'");
                }));
        assertThat(error.getRetries()).isZero();
        assertThat(error.getErrorMessage()).contains("rejected", "not registered");
    }

    @Test
    void aBusinessFailureTheModelDoesNotCatchHereIsAnIncidentAtOnce() {
        JobError error = catchThrowableOfType(JobError.class, () -> jobs.run(job(JobTypes.QUERY_STUDY0, 3), "S",
                Set.of(), "querying Study0", () -> {
                    throw new StudyAccessDenied("eve", "S", "User 'eve' lacks the STAGE right in study 'S'");
                }));
        assertThat(error.getRetries()).isZero();
        assertThat(error.getErrorMessage()).contains("querying Study0 refused", "lacks the STAGE right");
    }

    @Test
    void theMdcNamesInstanceStudyAndJobWhileTheJobRunsOnly() {
        String inside = jobs.run(job(JobTypes.VERIFY, 3), "RT-HN-2026", Set.of(), "verifying",
                () -> MDC.get(JobSupport.MDC_PROCESS_INSTANCE) + " " + MDC.get(JobSupport.MDC_STUDY) + " "
                        + MDC.get(JobSupport.MDC_JOB));
        assertThat(inside).isEqualTo("42 RT-HN-2026 " + JobTypes.VERIFY);
        assertThat(MDC.get(JobSupport.MDC_PROCESS_INSTANCE)).isNull();
    }

    /** Stage-series' description names the route, a database read: a job that succeeds never makes it. */
    @Test
    void aDescriptionThatCostsSomethingIsMadeOnlyWhenTheJobFails() {
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<String> description = () -> {
            made.incrementAndGet();
            return "staging series CT (1.2.3) from node 'study0' to node 'holding'";
        };

        assertThat(jobs.run(job(JobTypes.STAGE_SERIES, 5), "S", Set.of(), description, () -> "done"))
                .isEqualTo("done");
        assertThat(made).hasValue(0);

        JobError failed = catchThrowableOfType(JobError.class, () -> jobs.run(job(JobTypes.STAGE_SERIES, 5), "S",
                Set.of(), description, () -> {
                    throw new DicomNodeException("node 'study0': C-FIND failed");
                }));
        assertThat(failed.getMessage()).startsWith("staging series CT (1.2.3) from node 'study0' to node 'holding'"
                + " failed: node 'study0': C-FIND failed");
        assertThat(made).hasValue(1);
    }

    private JobError fail(ActivatedJob job) {
        return catchThrowableOfType(JobError.class, () -> jobs.run(job, "S", Set.of(), "staging series CT (1.2.3)",
                () -> {
                    throw new DicomNodeException("node 'study0' (STUDY0@pacs:104): C-FIND failed: Connection refused");
                }));
    }

    private static ActivatedJob job(String type, int retries) {
        ActivatedJob job = mock(ActivatedJob.class);
        when(job.getType()).thenReturn(type);
        when(job.getRetries()).thenReturn(retries);
        when(job.getProcessInstanceKey()).thenReturn(42L);
        return job;
    }
}
