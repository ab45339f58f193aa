package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Component;

/**
 * {@value JobTypes#CHECK_ACCESS}: membership with the STAGE right in a DICOM-enabled study, checked here again. It
 * also returns the correlation key of the cancel message, which the sub-process after it subscribes with.
 */
@Component
public class CheckAccessWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String requestedBy, String studyId) {
    }

    /** @param cancelKey the instance's key as a string: what the cancel message is correlated with */
    record Output(String studyName, List<Map<String, Object>> enrolledSubjects, String cancelKey) {
    }

    private final AccessCheck access;
    private final JobSupport jobs;

    CheckAccessWorker(AccessCheck access, JobSupport jobs) {
        this.access = access;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.CHECK_ACCESS, fetchVariables = {Variables.REQUESTED_BY, Variables.STUDY_ID})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(Errors.ACCESS_DENIED, Errors.DICOM_NOT_ENABLED),
                "checking access of " + in.requestedBy() + " to study " + in.studyId(), () -> {
                    AccessCheck.AccessGranted granted = access.checkAccess(in.requestedBy(), in.studyId());
                    return new Output(granted.studyName(), granted.enrolledSubjects(),
                            Long.toString(job.getProcessInstanceKey()));
                });
    }
}
