package org.dicomstage.workflow;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.CamundaError;
import io.camunda.client.exception.JobError;
import org.dicomstage.study.DicomNotEnabled;
import org.dicomstage.study.StudyAccessDenied;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * How every worker runs a job: MDC keys (process instance, study, job) on every log line, business failures as
 * the BPMN errors the model catches at that task, everything else as a failed job with fewer retries and a
 * growing backoff, whose message is what the incident shows once the retries are used up.
 *
 * <p>Every worker takes the {@link ActivatedJob} (for its key, type, retries and headers) and therefore names its
 * variables in {@code @JobWorker(fetchVariables = ...)}. In camunda-spring-boot-starter 8.8.14, an
 * {@code ActivatedJob} parameter turns off the variable names the SDK would otherwise derive from
 * {@code @Variable} and {@code @VariablesAsType} parameters ({@code PropertyBasedJobWorkerValueCustomizer
 * .applyFetchVariables}: "ActivatedJob is injected, no variable filtering possible"), but leaves the annotation's
 * own {@code fetchVariables} in place ({@code AnnotationUtil.getJobWorkerValue}), and {@code JobWorkerManager}
 * passes a non-empty list to the job worker builder. Without that list every job would fetch every variable of
 * its scope, and a process whose variables pass Zeebe's 4 MB message limit would have jobs nobody can activate.
 * Source: camunda/camunda, tag 8.8.14, {@code clients/camunda-spring-boot-starter/src/main/java/io/camunda/client/
 * spring/properties/PropertyBasedJobWorkerValueCustomizer.java} and {@code .../client/jobhandling/JobWorkerManager
 * .java} (read as the bytecode of the 8.8.14 jar this build resolves). {@code JobVariablesProcessTest} shows it.
 */
@Component
class JobSupport {

    static final String MDC_PROCESS_INSTANCE = "processInstanceKey";
    static final String MDC_STUDY = "study";
    static final String MDC_JOB = "job";

    /** The retries the model gives a job type (taskDefinition retries); the default is 3. */
    private static final Map<String, Integer> MODEL_RETRIES = Map.of(JobTypes.STAGE_SERIES,
            ProcessDefinition.STAGE_SERIES_RETRIES, JobTypes.PUBLISH, ProcessDefinition.STAGE_SERIES_RETRIES,
            JobTypes.CLEAR_HOLDING, ProcessDefinition.STAGE_SERIES_RETRIES);
    private static final int DEFAULT_RETRIES = 3;

    private static final Logger log = LoggerFactory.getLogger(JobSupport.class);

    private final WorkflowProperties properties;

    JobSupport(WorkflowProperties properties) {
        this.properties = properties;
    }

    /**
     * @param catchable the BPMN error codes the model catches at this task; other business failures raise an
     *                  incident instead of an error nobody catches
     * @param what      what the job does, for the failure message: "staging series CT 'x' (1.2.3)"
     */
    <T> T run(ActivatedJob job, String studyId, Set<String> catchable, String what, Supplier<T> body) {
        return run(job, studyId, catchable, () -> what, body);
    }

    /**
     * As {@link #run(ActivatedJob, String, Set, String, Supplier)}, for a description that costs something to
     * make (e.g. a database read for the route): it is made only when the job fails.
     */
    <T> T run(ActivatedJob job, String studyId, Set<String> catchable, Supplier<String> description,
              Supplier<T> body) {
        MDC.put(MDC_PROCESS_INSTANCE, Long.toString(job.getProcessInstanceKey()));
        MDC.put(MDC_STUDY, studyId == null ? "" : studyId);
        MDC.put(MDC_JOB, job.getType());
        try {
            return body.get();
        } catch (CamundaError e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(job, catchable, describe(job, description, e), e);
        } finally {
            MDC.remove(MDC_PROCESS_INSTANCE);
            MDC.remove(MDC_STUDY);
            MDC.remove(MDC_JOB);
        }
    }

    /**
     * The description, or, when making it fails too (the database that failed the job may be the one it reads), the
     * job's type: the incident must show the job's own failure, not the second one.
     */
    private static String describe(ActivatedJob job, Supplier<String> description, RuntimeException failure) {
        try {
            return description.get();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn("cannot describe failed job {} ({}): {}", job.getKey(), job.getType(), e.getMessage());
            return "job " + job.getType();
        }
    }

    private RuntimeException failure(ActivatedJob job, Set<String> catchable, String what, RuntimeException failure) {
        return switch (failure) {
            case StudyAccessDenied e -> business(Errors.ACCESS_DENIED, e.getMessage(), catchable, what);
            case DicomNotEnabled e -> business(Errors.DICOM_NOT_ENABLED, e.getMessage(), catchable, what);
            case NothingSelected e -> business(Errors.NOTHING_SELECTED, e.getMessage(), catchable, what);
            case FixableInput e -> business(e.code(), e.getMessage(), catchable, what);
            case RejectedInput e -> {
                log.error("{} rejected: {}", what, e.getMessage());
                yield new ReadableJobError(what + " rejected: " + e.getMessage(), 0, Duration.ZERO);
            }
            default -> {
                int left = Math.max(0, job.getRetries() - 1);
                int attempt = Math.max(1, MODEL_RETRIES.getOrDefault(job.getType(), DEFAULT_RETRIES) - left);
                Duration backoff = left == 0 ? Duration.ZERO : properties.backoff(attempt);
                String message = what + " failed: " + rootMessage(failure) + (left == 0 ? " (no retries left)"
                        : " (retry in " + seconds(backoff) + ", " + left + " left)");
                log.warn(message, left == 0 ? failure : null);
                yield new ReadableJobError(message, left, backoff);
            }
        };
    }

    private static RuntimeException business(String code, String message, Set<String> catchable, String what) {
        if (catchable.contains(code)) {
            log.info("{}: {} ({})", what, code, message);
            // accessProblem tells the UI why the process ended without a copy; inputProblem is what the form shows.
            return CamundaError.bpmnError(code, message, Errors.NOTHING_SELECTED.equals(code) ? null
                    : Map.of(Errors.FIXABLE_INPUT.contains(code) ? Variables.INPUT_PROBLEM : Variables.ACCESS_PROBLEM,
                    message));
        }
        log.error("{}: {}", what, message);
        return new ReadableJobError(what + " refused: " + message, 0, Duration.ZERO);
    }

    /**
     * The SDK sends a failed job's stack trace as its error message, which is what Operate shows on the incident.
     * Without frames and cause, that trace is just this message: what failed, where, and why. The log keeps the
     * full exception.
     */
    static final class ReadableJobError extends JobError {
        ReadableJobError(String message, int retries, Duration backoff) {
            super(message, null, retries, backoff, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    /** The message of an exception and its causes, without repeating what a wrapper already says. */
    static String rootMessage(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !text.toString().contains(m)) {
                text.append(": ").append(m);
            }
        }
        return text.toString();
    }
}
