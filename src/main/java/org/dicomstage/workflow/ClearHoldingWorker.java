package org.dicomstage.workflow;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.workflow.ProcessDefinition.Headers;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#CLEAR_HOLDING}: on Send back, Abort and Cancel, deletes the process's series from the holding
 * node, so a copy nobody accepted is kept nowhere. Which series comes from the process's own requests in the
 * database, not from variables. On the cancel path (header {@code requestOutcome} CANCELLED) it first records the
 * cancel, with who and why, which stops staging still running for the requests.
 */
@Component
public class ClearHoldingWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String studyId, String cancelledBy, String cancelReason, String requestedBy) {
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
            fetchVariables = {Variables.STUDY_ID, Variables.CANCELLED_BY, Variables.CANCEL_REASON,
                    Variables.REQUESTED_BY})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        if (RequestOutcome.CANCELLED.name().equals(job.getCustomHeaders().get(Headers.REQUEST_OUTCOME))) {
            String by = in.cancelledBy() == null || in.cancelledBy().isBlank() ? in.requestedBy() : in.cancelledBy();
            return jobs.run(job, in.studyId(), Set.of(), "emptying the holding copy of a cancelled request",
                    () -> new Output(holding.cancel(in.studyId(), job.getProcessInstanceKey(), by, in.cancelReason())));
        }
        return jobs.run(job, in.studyId(), Set.of(), "emptying the holding copy",
                () -> new Output(holding.clear(in.studyId(), job.getProcessInstanceKey())));
    }
}
