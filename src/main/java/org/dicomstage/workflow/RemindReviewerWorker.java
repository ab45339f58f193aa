package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.study.StudyService;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** {@value JobTypes#REMIND_REVIEWER}: an audit event and a log line; there is no mail server to send through. */
@Component
public class RemindReviewerWorker {

    static final String REVIEWER_REMINDED = "REVIEWER_REMINDED";
    private static final Logger log = LoggerFactory.getLogger(RemindReviewerWorker.class);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String requestedBy, String studyId, List<String> reviewCandidates) {
    }

    private final StudyService studies;
    private final JobSupport jobs;

    RemindReviewerWorker(StudyService studies, JobSupport jobs) {
        this.studies = studies;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.REMIND_REVIEWER, fetchVariables = {Variables.REQUESTED_BY, Variables.STUDY_ID,
            Variables.REVIEW_CANDIDATES})
    public Map<String, Object> handle(ActivatedJob job, @VariablesAsType Input in) {
        // The review is offered to its candidates (under four eyes not the requester); older instances have none.
        String reviewers = in.reviewCandidates() == null || in.reviewCandidates().isEmpty() ? in.requestedBy()
                : String.join(", ", in.reviewCandidates());
        return jobs.run(job, in.studyId(), Set.of(), "reminding " + reviewers + " of the open review", () -> {
            // No mail server exists: the audit trail and the log are the reminder's record.
            studies.record(in.requestedBy(), REVIEWER_REMINDED, in.studyId(), null,
                    "review of the staged copy (process instance " + job.getProcessInstanceKey() + ") is still open;"
                            + " offered to " + reviewers);
            log.info("reminder: {} has not reviewed the staged copy for study {} yet", reviewers, in.studyId());
            return Map.of();
        });
    }
}
