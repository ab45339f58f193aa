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

/** {@value JobTypes#VERIFY}: reads the project copy back and compares it with Study0, series by series. */
@Component
public class VerifyWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String studyId, List<Map<String, Object>> expandedSelection, List<String> confirmedSeriesUids) {
    }

    record Output(boolean verified, List<Map<String, Object>> verificationReport,
                  List<Map<String, Object>> failedSeries, List<Map<String, Object>> stagingProblems,
                  List<Map<String, Object>> keptDescriptors, List<Map<String, Object>> pseudonymizedIdentity,
                  List<String> reviewCandidates, boolean fourEyes) {
    }

    private final CopyVerification verification;
    private final JobSupport jobs;

    VerifyWorker(CopyVerification verification, JobSupport jobs) {
        this.verification = verification;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.VERIFY, timeout = StageSeriesWorker.TIMEOUT_MILLIS, fetchVariables = {
            Variables.STUDY_ID, Variables.EXPANDED_SELECTION, Variables.CONFIRMED_SERIES_UIDS})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(), "verifying the project copy", () -> {
            CopyVerification.VerificationOutcome r = verification.verify(in.studyId(), in.expandedSelection(),
                    in.confirmedSeriesUids(), job.getProcessInstanceKey());
            return new Output(r.verified(), r.verificationReport(), r.failedSeries(), r.stagingProblems(),
                    r.keptDescriptors(), r.pseudonymizedIdentity(), r.reviewCandidates(), r.fourEyes());
        });
    }
}
