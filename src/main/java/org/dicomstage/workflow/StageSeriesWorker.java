package org.dicomstage.workflow;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#STAGE_SERIES}: one series per job. A FAILED series is a result (the model moves on to verify and
 * the researcher decides); an unreachable archive fails the job, which the engine retries with backoff and turns
 * into an incident naming series, node and cause when the retries are used up.
 */
@Component
public class StageSeriesWorker {

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

    @JobWorker(type = JobTypes.STAGE_SERIES, timeout = TIMEOUT_MILLIS, maxJobsActive = 4)
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        String what = "staging series " + SeriesObjects.label(in.series()) + " (" + SeriesObjects.uid(in.series())
                + ")" + targets.route(in.studyId());
        boolean[] busy = {false};
        try {
            return jobs.run(job, in.studyId(), Set.of(), what, () -> {
                try {
                    return new Output(staging.stageSeries(in.studyId(), in.series(), job.getProcessInstanceKey()));
                } catch (SeriesBusy e) {
                    busy[0] = true;
                    throw e;
                }
            });
        } catch (io.camunda.client.exception.JobError e) {
            if (!busy[0]) { // the series row belongs to the worker that is staging it
                staging.stagingAttemptFailed(in.studyId(), in.series(), e.getErrorMessage(),
                        job.getProcessInstanceKey());
            }
            throw e;
        }
    }
}
