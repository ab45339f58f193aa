package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.camunda.client.api.response.ActivatedJob;
import io.camunda.client.exception.BpmnError;
import java.time.Duration;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * A process started in Tasklist under one study's tenant whose starter then picks another study in Activate study:
 * check-access ends it as access denied before anything of that study is read (the in-memory engine cannot run
 * tenants, so the job is the only place to show this).
 */
class CheckAccessTenantTest {

    private final JobSupport jobs = new JobSupport(new WorkflowProperties(Duration.ofSeconds(5),
            Duration.ofMinutes(1), 50, Duration.ofSeconds(5)));
    // No study service: the tenant is checked before any study data is looked at.
    private final CheckAccessWorker worker = new CheckAccessWorker(new AccessCheck(null), jobs,
            new StudyTenants(new MockEnvironment()));

    @Test
    void aProcessInAnotherStudysTenantIsRefusedWithTheReason() {
        ActivatedJob job = mock(ActivatedJob.class);
        when(job.getType()).thenReturn(JobTypes.CHECK_ACCESS);
        when(job.getRetries()).thenReturn(3);
        when(job.getProcessInstanceKey()).thenReturn(42L);
        when(job.getTenantId()).thenReturn("LUNG-2027");

        BpmnError error = catchThrowableOfType(BpmnError.class,
                () -> worker.handle(job, new CheckAccessWorker.Input("researcher", "RT-HN-2026")));

        assertThat(error.getErrorCode()).isEqualTo(Errors.ACCESS_DENIED);
        assertThat(String.valueOf(((java.util.Map<?, ?>) error.getVariables()).get(Variables.ACCESS_PROBLEM)))
                .contains("tenant 'LUNG-2027'").contains("RT-HN-2026");
    }
}
