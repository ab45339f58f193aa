package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientException;
import io.camunda.client.api.response.DeploymentEvent;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.Process;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.study.StudyService;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin modeler's backend: deployed versions, their XML, and deploying a new version. Only ROLE_ADMIN reaches
 * it (WebSecurity). Only our process may be deployed here: the application knows no other.
 */
@RestController
class ModelerController {

    static final String PROCESS_DEPLOYED = "PROCESS_DEPLOYED";

    private final ProcessInstances instances;
    private final CamundaClient camunda;
    private final StudyService studies;

    ModelerController(ProcessInstances instances, CamundaClient camunda, StudyService studies) {
        this.instances = instances;
        this.camunda = camunda;
        this.studies = studies;
    }

    @GetMapping("/api/admin/process")
    List<Version> versions() {
        return instances.definitions().stream()
                .map(d -> new Version(Long.toString(d.key()), d.version(), d.resourceName())).toList();
    }

    @GetMapping(value = "/api/admin/process/{definitionKey}/xml", produces = MediaType.APPLICATION_XML_VALUE)
    ResponseEntity<String> xml(@PathVariable long definitionKey) {
        return ResponseEntity.of(instances.xml(definitionKey));
    }

    @PostMapping(value = "/api/admin/process", consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE})
    Deployed deploy(@RequestBody String xml, Principal user) {
        BpmnModelInstance model;
        try {
            model = Bpmn.readModelFromStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a BPMN model: " + e.getMessage(), e);
        }
        boolean ours = model.getModelElementsByType(Process.class).stream()
                .anyMatch(p -> ProcessDefinition.PROCESS_ID.equals(p.getId()));
        if (!ours) {
            throw new IllegalArgumentException("The model must contain process '" + ProcessDefinition.PROCESS_ID + "'");
        }
        DeploymentEvent event;
        try {
            event = camunda.newDeployResourceCommand()
                    .addResourceStringUtf8(xml, ProcessDefinition.BPMN_RESOURCE.substring("bpmn/".length()))
                    .send().join();
        } catch (ClientException e) {
            // The engine validates the model (e.g. missing job types) and says why.
            throw new IllegalArgumentException("The engine rejected the model: " + e.getMessage(), e);
        }
        var process = event.getProcesses().stream()
                .filter(p -> ProcessDefinition.PROCESS_ID.equals(p.getBpmnProcessId())).findFirst().orElseThrow();
        studies.record(user.getName(), PROCESS_DEPLOYED, null, null,
                "version " + process.getVersion() + ", definition " + process.getProcessDefinitionKey());
        return new Deployed(Long.toString(process.getProcessDefinitionKey()), process.getVersion());
    }

    /** Keys as strings: they exceed JavaScript's safe integers. */
    record Version(String key, int version, String resourceName) {
    }

    record Deployed(String processDefinitionKey, int version) {
    }
}
