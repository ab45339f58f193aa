package org.dicomstage.workflow;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.springframework.stereotype.Component;

/** {@value JobTypes#REMIND_REVIEWER}: an audit event and a log line; there is no mail server to send through. */
@Component
public class RemindReviewerWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String requestedBy, String studyId) {
    }

    private final StagingWorkflow workflow;
    private final JobSupport jobs;

    RemindReviewerWorker(StagingWorkflow workflow, JobSupport jobs) {
        this.workflow = workflow;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.REMIND_REVIEWER)
    public Map<String, Object> handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(), "reminding " + in.requestedBy() + " of the open review", () -> {
            workflow.remindReviewer(in.requestedBy(), in.studyId(), job.getProcessInstanceKey());
            return Map.of();
        });
    }
}
