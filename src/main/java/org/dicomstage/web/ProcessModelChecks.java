package org.dicomstage.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camunda.client.annotation.JobWorker;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.BaseElement;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.Process;
import io.camunda.zeebe.model.bpmn.instance.ServiceTask;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeFormDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeTaskDefinition;
import io.camunda.zeebe.model.bpmn.instance.zeebe.ZeebeUserTask;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dicomstage.workflow.ProcessDefinition;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What the engine cannot know before a model runs in this application: a job type no worker of ours serves leaves
 * its jobs waiting forever, and a form id that {@code forms/} lacks leaves a task nobody can complete. Both are
 * refused before deploying. The job types are read from the {@code @JobWorker} methods of the application's beans
 * and the form ids from the forms it deploys, so neither list can drift from what really runs.
 */
@Component
class ProcessModelChecks {

    private final ListableBeanFactory beans;
    private final ObjectMapper json;
    private volatile TreeMap<String, String> workers;
    private volatile Set<String> forms;

    ProcessModelChecks(ListableBeanFactory beans, ObjectMapper json) {
        this.beans = beans;
        this.json = json;
    }

    /** One thing said about the model; {@code elementId} is null for the model as a whole. */
    record Finding(String elementId, String elementName, String message) {

        /** "Stage series (StageSeries): job type ..." */
        String text() {
            String element = elementName == null || elementName.isBlank() ? elementId
                    : elementName + " (" + elementId + ")";
            return element == null ? message : element + ": " + message;
        }
    }

    /** Errors block a deployment; warnings are shown. */
    record Findings(List<Finding> errors, List<Finding> warnings) {
    }

    Findings check(BpmnModelInstance model) {
        List<Finding> errors = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        processes(model, errors);
        Set<String> usedTypes = new TreeSet<>();
        jobTypes(model, errors, usedTypes);
        Set<String> usedForms = new TreeSet<>();
        userTasks(model, errors, usedForms);
        workers().forEach((type, worker) -> {
            if (!usedTypes.contains(type)) {
                warnings.add(new Finding(null, null, "no element uses job type '" + type + "', which "
                        + worker + " serves: its worker would never get a job"));
            }
        });
        forms().stream().filter(f -> !usedForms.contains(f)).forEach(f -> warnings.add(new Finding(null, null,
                "no user task links form '" + f + "'")));
        return new Findings(List.copyOf(errors), List.copyOf(warnings));
    }

    /** Job type → the worker class serving it, from every {@code @JobWorker} method of the application's beans. */
    TreeMap<String, String> workers() {
        TreeMap<String, String> found = workers;
        if (found == null) {
            found = new TreeMap<>();
            for (String name : beans.getBeanDefinitionNames()) {
                Class<?> type = beans.getType(name, false);
                if (type == null || !type.getName().startsWith("org.dicomstage.")) {
                    continue;
                }
                Class<?> user = ClassUtils.getUserClass(type);
                TreeMap<String, String> into = found;
                ReflectionUtils.doWithMethods(user, m -> {
                    JobWorker worker = AnnotatedElementUtils.findMergedAnnotation(m, JobWorker.class);
                    if (worker != null) {
                        // Without a type the client names the job type after the method.
                        into.put(worker.type().isEmpty() ? m.getName() : worker.type(), user.getSimpleName());
                    }
                });
            }
            workers = found;
        }
        return found;
    }

    /** The ids of the forms the application deploys with its process ({@code forms/*.form}). */
    Set<String> forms() {
        Set<String> found = forms;
        if (found == null) {
            found = new TreeSet<>();
            try {
                for (Resource form : new PathMatchingResourcePatternResolver()
                        .getResources("classpath*:" + ProcessDefinition.FORMS_LOCATION + "*.form")) {
                    try (InputStream in = form.getInputStream()) {
                        found.add(json.readTree(in).path("id").asText());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the application's forms", e);
            }
            forms = found;
        }
        return found;
    }

    private static void processes(BpmnModelInstance model, List<Finding> errors) {
        Collection<Process> processes = model.getModelElementsByType(Process.class);
        if (processes.stream().noneMatch(p -> ProcessDefinition.PROCESS_ID.equals(p.getId()))) {
            errors.add(new Finding(null, null, "the model must contain process '" + ProcessDefinition.PROCESS_ID
                    + "': the application starts and follows that process only"));
        }
        processes.stream().filter(p -> !ProcessDefinition.PROCESS_ID.equals(p.getId())).forEach(p -> errors.add(
                new Finding(p.getId(), p.getName(), "only process '" + ProcessDefinition.PROCESS_ID
                        + "' may be deployed here; this model adds another")));
    }

    private void jobTypes(BpmnModelInstance model, List<Finding> errors, Set<String> used) {
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            if (task.getSingleExtensionElement(ZeebeTaskDefinition.class) == null) {
                errors.add(finding(task, "has no job type; use one of " + workers().keySet()));
            }
        }
        for (ZeebeTaskDefinition definition : model.getModelElementsByType(ZeebeTaskDefinition.class)) {
            BaseElement element = owner(definition);
            String type = definition.getType();
            if (type == null || type.isBlank()) {
                errors.add(finding(element, "has no job type; use one of " + workers().keySet()));
            } else if (type.startsWith("=")) {
                errors.add(finding(element, "job type '" + type + "' is an expression; it must name one of "
                        + workers().keySet() + " so that it can be checked"));
            } else if (!workers().containsKey(type)) {
                errors.add(finding(element, "job type '" + type + "' is served by no worker of this application;"
                        + " its jobs would wait forever. Served: " + workers().keySet()));
            } else {
                used.add(type);
            }
        }
    }

    private void userTasks(BpmnModelInstance model, List<Finding> errors, Set<String> used) {
        for (UserTask task : model.getModelElementsByType(UserTask.class)) {
            if (task.getSingleExtensionElement(ZeebeUserTask.class) == null) {
                errors.add(finding(task, "is a job-worker user task; this application shows Camunda user tasks"
                        + " only (implementation: Camunda user task)"));
            }
            ZeebeFormDefinition form = task.getSingleExtensionElement(ZeebeFormDefinition.class);
            String formId = form == null ? null : form.getFormId();
            if (formId == null || formId.isBlank()) {
                errors.add(finding(task, "links no form by form id; this application shows its own forms only: "
                        + forms()));
            } else if (!forms().contains(formId)) {
                errors.add(finding(task, "form id '" + formId + "' is not a form of this application (forms/*.form): "
                        + forms()));
            } else {
                used.add(formId);
            }
        }
    }

    /** The element an extension belongs to: extensionElements' parent. */
    private static BaseElement owner(ZeebeTaskDefinition definition) {
        return (BaseElement) definition.getParentElement().getParentElement();
    }

    private static Finding finding(BaseElement element, String message) {
        String name = element instanceof FlowElement flow ? flow.getName() : null;
        return new Finding(element.getId(), name, message);
    }
}
