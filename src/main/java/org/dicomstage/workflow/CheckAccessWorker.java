package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.study.StudyAccessDenied;
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
    private final StudyTenants tenants;

    CheckAccessWorker(AccessCheck access, JobSupport jobs, StudyTenants tenants) {
        this.access = access;
        this.jobs = jobs;
        this.tenants = tenants;
    }

    @JobWorker(type = JobTypes.CHECK_ACCESS, fetchVariables = {Variables.REQUESTED_BY, Variables.STUDY_ID})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(Errors.ACCESS_DENIED, Errors.DICOM_NOT_ENABLED),
                "checking access of " + in.requestedBy() + " to study " + in.studyId(), () -> {
                    requireStudyTenant(job, in);
                    AccessCheck.AccessGranted granted = access.checkAccess(in.requestedBy(), in.studyId());
                    return new Output(granted.studyName(), granted.enrolledSubjects(),
                            Long.toString(job.getProcessInstanceKey()));
                });
    }

    /**
     * A process started in Tasklist runs in the tenant its starter picked there; the study is chosen afterwards, in
     * Activate study. Only a process in the chosen study's own tenant goes on: otherwise the study's data would
     * show to the members of another study's tenant.
     */
    private void requireStudyTenant(ActivatedJob job, Input in) {
        String wanted = tenants.tenantOf(in.studyId());
        if (tenants.enabled() && !wanted.equals(job.getTenantId())) {
            throw new StudyAccessDenied(in.requestedBy(), in.studyId(), "This process runs in tenant '"
                    + job.getTenantId() + "', not in the tenant of study " + in.studyId() + " ('" + wanted
                    + "'): start it again in Tasklist under that tenant.");
        }
    }
}
