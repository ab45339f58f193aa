package org.dicomstage.workflow;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#CLEAR_HOLDING}: on Send back and Abort, deletes the process's series from the holding node, so
 * a copy nobody accepted is kept nowhere. Which series comes from the process's own requests in the database, not
 * from variables.
 */
@Component
public class ClearHoldingWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String studyId) {
    }

    record Output(int clearedSeries) {
    }

    private final HoldingArea holding;
    private final JobSupport jobs;

    ClearHoldingWorker(HoldingArea holding, JobSupport jobs) {
        this.holding = holding;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.CLEAR_HOLDING, timeout = StageSeriesWorker.TIMEOUT_MILLIS,
            fetchVariables = Variables.STUDY_ID)
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(), "emptying the holding copy",
                () -> new Output(holding.clear(in.studyId(), job.getProcessInstanceKey())));
    }
}
