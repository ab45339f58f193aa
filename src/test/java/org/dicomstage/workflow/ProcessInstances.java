package org.dicomstage.workflow;

import io.camunda.zeebe.process.test.assertions.BpmnAssert;
import io.camunda.zeebe.process.test.assertions.ProcessInstanceAssert;
import io.camunda.zeebe.process.test.inspections.model.InspectedProcessInstance;

/** Asserting on a process instance of the ZPT engine by its key (the record stream must be initialised). */
final class ProcessInstances {

    private ProcessInstances() {
    }

    static ProcessInstanceAssert assertThat(long processInstanceKey) {
        return BpmnAssert.assertThat(new InspectedProcessInstance(processInstanceKey));
    }

    /** Whether the instance still runs, e.g. to cancel it after a test that left it waiting. */
    static boolean isActive(long processInstanceKey) {
        try {
            assertThat(processInstanceKey).isActive();
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
