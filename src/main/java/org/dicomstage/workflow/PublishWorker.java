package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#PUBLISH}: after Accept, the held copy goes to the project archive and is checked there; the
 * holding copy is deleted once every series is published. An unreachable archive or a published copy that differs
 * fails the job, which the engine retries with backoff and turns into an incident when the retries are used up.
 */
@Component
public class PublishWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String studyId, List<Map<String, Object>> expandedSelection, List<String> confirmedSeriesUids) {
    }

    record Output(List<Map<String, Object>> publicationReport) {
    }

    private final HoldingArea holding;
    private final JobSupport jobs;

    PublishWorker(HoldingArea holding, JobSupport jobs) {
        this.holding = holding;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.PUBLISH, timeout = StageSeriesWorker.TIMEOUT_MILLIS, fetchVariables = {
            Variables.STUDY_ID, Variables.EXPANDED_SELECTION, Variables.CONFIRMED_SERIES_UIDS})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(), "publishing the accepted copy to the project archive",
                () -> new Output(holding.publish(in.studyId(), in.expandedSelection(), in.confirmedSeriesUids(),
                        job.getProcessInstanceKey())));
    }
}
