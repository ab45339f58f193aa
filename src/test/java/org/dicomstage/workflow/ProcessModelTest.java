package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.EndEvent;
import io.camunda.zeebe.model.bpmn.instance.Error;
import io.camunda.zeebe.model.bpmn.instance.FlowNode;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.Process;
import io.camunda.zeebe.model.bpmn.instance.ServiceTask;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.camunda.zeebe.model.bpmn.instance.bpmndi.BpmnEdge;
import io.camunda.zeebe.model.bpmn.instance.bpmndi.BpmnShape;
import io.camunda.zeebe.model.bpmn.instance.SequenceFlow;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeFormDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeHeader;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeLoopCharacteristics;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskHeaders;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeUserTask;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dicomstage.study.RequestOutcome;
import io.camunda.zeebe.model.bpmn.instance.BoundaryEvent;
import io.camunda.zeebe.model.bpmn.instance.ExclusiveGateway;
import io.camunda.zeebe.model.bpmn.instance.MessageEventDefinition;
import io.camunda.zeebe.model.bpmn.instance.SubProcess;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeIoMapping;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeOutput;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeSubscription;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.Forms;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.api.Test;

/** The BPMN and {@link ProcessDefinition} must name the same things, or workers and forms silently miss. */
class ProcessModelTest {

    static BpmnModelInstance model() {
        try (InputStream in = ProcessModelTest.class.getClassLoader()
                .getResourceAsStream(ProcessDefinition.BPMN_RESOURCE)) {
            assertThat(in).as("%s on the classpath", ProcessDefinition.BPMN_RESOURCE).isNotNull();
            return Bpmn.readModelFromStream(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void modelValidatesAndIsExecutable() {
        BpmnModelInstance model = model();
        Bpmn.validateModel(model);
        Process process = model.getModelElementById(ProcessDefinition.PROCESS_ID);
        assertThat(process).isNotNull();
        assertThat(process.isExecutable()).isTrue();
    }

    @Test
    void jobTypesInTheModelAreExactlyTheConstants() {
        Set<String> inModel = model().getModelElementsByType(ZeebeTaskDefinition.class).stream()
                .map(ZeebeTaskDefinition::getType).collect(Collectors.toSet());
        assertThat(inModel).containsExactlyInAnyOrderElementsOf(JobTypes.ALL);
        assertThat(JobTypes.ALL).containsExactlyInAnyOrderElementsOf(stringConstants(JobTypes.class));
    }

    @Test
    void errorCodesInTheModelAreExactlyTheConstants() {
        Set<String> inModel = model().getModelElementsByType(Error.class).stream()
                .map(Error::getErrorCode).collect(Collectors.toSet());
        assertThat(inModel).containsExactlyInAnyOrderElementsOf(Errors.ALL);
        assertThat(Errors.ALL).containsExactlyInAnyOrderElementsOf(stringConstants(Errors.class));
    }

    @Test
    void everyUserTaskIsACamundaUserTaskWithItsOwnForm() {
        BpmnModelInstance model = model();
        var userTasks = model.getModelElementsByType(UserTask.class);
        for (UserTask task : userTasks) {
            assertThat(task.getSingleExtensionElement(ZeebeUserTask.class))
                    .as("%s is a Camunda user task (Tasklist V2 shows only those)", task.getId()).isNotNull();
            assertThat(task.getSingleExtensionElement(ZeebeFormDefinition.class))
                    .as("%s has a linked form", task.getId()).isNotNull();
        }
        var formIds = userTasks.stream()
                .map(t -> t.getSingleExtensionElement(ZeebeFormDefinition.class).getFormId()).toList();
        assertThat(formIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(Forms.ALL);
        assertThat(Forms.ALL).containsExactlyInAnyOrderElementsOf(stringConstants(Forms.class));
    }

    @Test
    void stagingIsParallelOverSeriesToStageWithFiveRetries() {
        ServiceTask stage = model().getModelElementById(Elements.STAGE_SERIES);
        assertThat(stage.getSingleExtensionElement(ZeebeTaskDefinition.class).getRetries())
                .isEqualTo("" + ProcessDefinition.STAGE_SERIES_RETRIES);
        var loop = (io.camunda.zeebe.model.bpmn.instance.MultiInstanceLoopCharacteristics) stage
                .getLoopCharacteristics();
        assertThat(loop.isSequential()).isFalse();
        ZeebeLoopCharacteristics zeebe = loop.getSingleExtensionElement(ZeebeLoopCharacteristics.class);
        assertThat(zeebe.getInputCollection()).isEqualTo("=" + Variables.SERIES_TO_STAGE);
        assertThat(zeebe.getInputElement()).isEqualTo(Variables.SERIES);
        assertThat(zeebe.getOutputCollection()).isEqualTo(Variables.STAGING_RESULTS);
        assertThat(zeebe.getOutputElement()).isEqualTo("=" + Variables.STAGING_RESULT);
    }

    @Test
    void everyEndOfTheProcessIsReachedThroughCloseRequestWithItsOutcome() {
        BpmnModelInstance model = model();
        Map<String, RequestOutcome> expected = Map.of(
                Elements.END_ACCEPTED, RequestOutcome.ACCEPTED,
                Elements.END_STAGING_ABORTED, RequestOutcome.ABORTED,
                Elements.END_ACCESS_DENIED, RequestOutcome.ACCESS_DENIED,
                Elements.END_DICOM_NOT_ENABLED, RequestOutcome.DICOM_NOT_ENABLED,
                Elements.END_REQUEST_CANCELLED, RequestOutcome.CANCELLED);
        Map<String, RequestOutcome> found = new HashMap<>();
        for (EndEvent end : model.getModelElementsByType(EndEvent.class)) {
            // The sub-process's ends are choices the gateway after it carries out (see the cancel test below).
            if (end.getParentElement() instanceof SubProcess) {
                continue;
            }
            assertThat(end.getIncoming()).as("flows into %s", end.getId()).hasSize(1);
            FlowNode before = end.getIncoming().iterator().next().getSource();
            assertThat(before).as("step before %s", end.getId()).isInstanceOf(ServiceTask.class);
            assertThat(before.getSingleExtensionElement(ZeebeTaskDefinition.class).getType())
                    .as("job type before %s", end.getId()).isEqualTo(JobTypes.CLOSE_REQUEST);
            ZeebeTaskHeaders headers = before.getSingleExtensionElement(ZeebeTaskHeaders.class);
            assertThat(headers).as("headers of %s", before.getId()).isNotNull();
            String outcome = headers.getHeaders().stream()
                    .filter(h -> h.getKey().equals(ProcessDefinition.Headers.REQUEST_OUTCOME))
                    .map(ZeebeHeader::getValue).findFirst().orElse(null);
            found.put(end.getId(), RequestOutcome.valueOf(outcome));
        }
        assertThat(found).isEqualTo(expected);
        // Only the close tasks close requests: no other step of the process ends one.
        assertThat(model.getModelElementsByType(ServiceTask.class).stream()
                .filter(t -> t.getSingleExtensionElement(ZeebeTaskDefinition.class).getType()
                        .equals(JobTypes.CLOSE_REQUEST))
                .map(ServiceTask::getId)).containsExactlyInAnyOrder(Elements.CLOSE_REQUEST_ACCEPTED,
                Elements.CLOSE_REQUEST_ABORTED, Elements.CLOSE_REQUEST_ACCESS_DENIED,
                Elements.CLOSE_REQUEST_DICOM_NOT_ENABLED, Elements.CLOSE_REQUEST_CANCELLED);
    }

    @Test
    void theResearcherCanCancelEveryStepAfterTheAccessCheckButNotPublishing() {
        BpmnModelInstance model = model();
        SubProcess open = model.getModelElementById(Elements.REQUEST_OPEN);
        Set<String> inside = open.getFlowElements().stream().map(FlowElement::getId).collect(Collectors.toSet());
        assertThat(inside).contains(Elements.PICK_SERIES, Elements.CONFIRM_SELECTION, Elements.STAGE_SERIES,
                Elements.VERIFY_STAGED_COPY, Elements.REVIEW_STAGED_COPY, Elements.RESOLVE_STAGING_PROBLEM,
                Elements.QUERY_STUDY0, Elements.EXPAND_SELECTION, Elements.CLEAR_HOLDING_SENT_BACK)
                .doesNotContain(Elements.PUBLISH_ACCEPTED_COPY, Elements.CHECK_STUDY_ACCESS);

        // The message: interrupting, on the sub-process, correlated by the key check-access returns.
        BoundaryEvent cancel = model.getModelElementById(Elements.CANCEL_REQUESTED);
        assertThat(cancel.getAttachedTo().getId()).isEqualTo(Elements.REQUEST_OPEN);
        assertThat(cancel.cancelActivity()).isTrue();
        MessageEventDefinition definition = (MessageEventDefinition) cancel.getEventDefinitions().iterator().next();
        assertThat(definition.getMessage().getName()).isEqualTo(ProcessDefinition.Messages.CANCEL_REQUEST);
        assertThat(definition.getMessage().getSingleExtensionElement(ZeebeSubscription.class).getCorrelationKey())
                .isEqualTo("=" + Variables.CANCEL_KEY);
        FlowNode clear = cancel.getOutgoing().iterator().next().getTarget();
        assertThat(clear.getId()).isEqualTo(Elements.CLEAR_HOLDING_CANCELLED);
        assertThat(clear.getSingleExtensionElement(ZeebeTaskDefinition.class).getType())
                .isEqualTo(JobTypes.CLEAR_HOLDING);
        assertThat(clear.getSingleExtensionElement(ZeebeTaskHeaders.class).getHeaders()).anySatisfy(h -> {
            assertThat(h.getKey()).isEqualTo(ProcessDefinition.Headers.REQUEST_OUTCOME);
            assertThat(h.getValue()).isEqualTo(RequestOutcome.CANCELLED.name());
        });
        assertThat(clear.getOutgoing().iterator().next().getTarget().getId())
                .isEqualTo(Elements.CLOSE_REQUEST_CANCELLED);

        // The forms' choice: each researcher task that waits inside sets cancelRequested, with a reason.
        for (String task : List.of(Elements.PICK_SERIES, Elements.CONFIRM_SELECTION, Elements.REVIEW_STAGED_COPY,
                Elements.RESOLVE_STAGING_PROBLEM)) {
            UserTask userTask = model.getModelElementById(task);
            assertThat(userTask.getSingleExtensionElement(ZeebeIoMapping.class).getOutputs())
                    .extracting(ZeebeOutput::getTarget).as("outputs of %s", task)
                    .contains(Variables.CANCEL_REQUESTED, Variables.CANCEL_REASON, Variables.CANCELLED_BY);
        }
        // ... and the gateway after the sub-process takes the cancel path on it, whatever else was decided.
        ExclusiveGateway decision = model.getModelElementById(Elements.REQUEST_DECISION);
        assertThat(decision.getOutgoing()).filteredOn(f -> f.getTarget().getId()
                .equals(Elements.CLEAR_HOLDING_CANCELLED)).singleElement()
                .satisfies(f -> assertThat(f.getConditionExpression().getTextContent())
                        .isEqualTo("=" + Variables.CANCEL_REQUESTED + " = true"));
    }

    @Test
    void elementConstantsExistAndEveryElementIsNamedAndDrawn() {
        BpmnModelInstance model = model();
        for (String id : stringConstants(Elements.class)) {
            assertThat((Object) model.getModelElementById(id)).as("element %s", id).isNotNull();
        }
        Set<String> shapes = model.getModelElementsByType(BpmnShape.class).stream()
                .map(s -> s.getBpmnElement().getId()).collect(Collectors.toSet());
        Set<String> edges = model.getModelElementsByType(BpmnEdge.class).stream()
                .map(e -> e.getBpmnElement().getId()).collect(Collectors.toSet());
        for (FlowElement element : model.getModelElementsByType(FlowElement.class)) {
            if (element instanceof SequenceFlow) {
                assertThat(edges).as("edge for %s", element.getId()).contains(element.getId());
            } else {
                assertThat(element.getName()).as("name of %s (Operate shows it)", element.getId()).isNotBlank();
                assertThat(shapes).as("shape for %s", element.getId()).contains(element.getId());
            }
        }
    }

    static Set<String> stringConstants(Class<?> holder) {
        return Arrays.stream(holder.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(ProcessModelTest::value).collect(Collectors.toSet());
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
