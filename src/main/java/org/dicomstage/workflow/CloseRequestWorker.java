package org.dicomstage.workflow;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.Headers;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#CLOSE_REQUEST}: closes the process's staging requests with the outcome its task names, so a
 * finished request is not resumed. The outcome is a task header: it belongs to the end the task leads to, not to
 * anything a form could set.
 */
@Component
public class CloseRequestWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String studyId) {
    }

    record Output(List<Long> closedRequestIds) {
    }

    private final RequestSlots requests;
    private final JobSupport jobs;

    CloseRequestWorker(RequestSlots requests, JobSupport jobs) {
        this.requests = requests;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.CLOSE_REQUEST, fetchVariables = Variables.STUDY_ID)
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        String outcome = job.getCustomHeaders().get(Headers.REQUEST_OUTCOME);
        return jobs.run(job, in.studyId(), Set.of(), "closing the staging requests (" + outcome + ")",
                () -> new Output(requests.closeRequests(job.getProcessInstanceKey(), outcome)));
    }
}
