package org.dicomstage.workflow;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.api.worker.JobClient;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#STAGE_SERIES}: one series per job. A FAILED series is a result (the model moves on to verify and
 * the researcher decides); an unreachable archive fails the job, which the engine retries with backoff and turns
 * into an incident naming series, node and cause when the retries are used up.
 *
 * <p>A job handed out again while its first worker still stages the series (a timeout) finds the series claimed.
 * That duplicate yields: it sends no command at all, so the job keeps its retries and stays activated until the
 * first worker completes it (Zeebe accepts a completion of an activated job from any worker). Failing it instead,
 * even with the retries unchanged, would be worse: with a backoff the job is FAILED until the backoff ends, and
 * Zeebe rejects the first worker's completion in that state. Hence {@code autoComplete = false}: this worker sends
 * its completion itself.
 */
@Component
public class StageSeriesWorker {

    private static final Logger log = LoggerFactory.getLogger(StageSeriesWorker.class);

    /** Long enough for a large series; if this worker dies, another one picks the job up after it. */
    static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String studyId, Map<String, Object> series) {
    }

    record Output(SeriesStaging.StagingOutcome stagingResult) {
    }

    private final SeriesStaging staging;
    private final StagingTargets targets;
    private final JobSupport jobs;

    StageSeriesWorker(SeriesStaging staging, StagingTargets targets, JobSupport jobs) {
        this.staging = staging;
        this.targets = targets;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.STAGE_SERIES, timeout = TIMEOUT_MILLIS, maxJobsActive = 4, autoComplete = false,
            fetchVariables = {Variables.STUDY_ID, Variables.SERIES})
    public void handle(JobClient client, ActivatedJob job, @VariablesAsType Input in) {
        // The route reads the database: made only for a message, i.e. when the job fails.
        Supplier<String> what = () -> "staging series " + SeriesObjects.label(in.series()) + " ("
                + SeriesObjects.uid(in.series()) + ")" + targets.route(in.studyId());
        Output output;
        try {
            output = jobs.run(job, in.studyId(), Set.of(), what, () -> {
                try {
                    return new Output(staging.stageSeries(in.studyId(), in.series(), job.getProcessInstanceKey()));
                } catch (SeriesBusy e) {
                    return null;
                }
            });
        } catch (io.camunda.client.exception.JobError e) {
            staging.stagingAttemptFailed(in.studyId(), in.series(), e.getErrorMessage(), job.getProcessInstanceKey());
            throw e;
        }
        if (output == null) {
            log.info("{}: job {} was handed out again while another worker stages the series; leaving it to that "
                    + "worker (retries unchanged: {})", what.get(), job.getKey(), job.getRetries());
            return;
        }
        client.newCompleteCommand(job).variables(output).send().join();
    }
}
