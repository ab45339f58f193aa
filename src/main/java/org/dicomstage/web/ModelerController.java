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
import org.dicomstage.study.StudyMembers;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.StudyTenants;
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
    private final StudyTenants tenants;

    ModelerController(ProcessInstances instances, CamundaClient camunda, StudyService studies,
                      StudyTenants tenants) {
        this.instances = instances;
        this.camunda = camunda;
        this.studies = studies;
        this.tenants = tenants;
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
        // One process for every study: with a tenant per study, each study's tenant gets the new version.
        List<String> targets = tenants.enabled()
                ? studies.processStudies().stream().map(StudyMembers::identifier).map(StudyTenants::tenantId).toList()
                : List.of(StudyTenants.DEFAULT_TENANT);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("No study runs staging processes: nothing to deploy to");
        }
        io.camunda.client.api.response.Process process = null;
        List<String> deployed = new java.util.ArrayList<>();
        for (String tenantId : targets) {
            DeploymentEvent event;
            try {
                event = camunda.newDeployResourceCommand()
                        .addResourceStringUtf8(xml, ProcessDefinition.BPMN_RESOURCE.substring("bpmn/".length()))
                        .tenantId(tenantId)
                        .send().join();
            } catch (ClientException e) {
                // The engine validates the model (e.g. missing job types) and says why.
                throw new IllegalArgumentException("The engine rejected the model" + (deployed.isEmpty() ? ""
                        : " after it was deployed to " + deployed) + ": " + e.getMessage(), e);
            }
            var deployedProcess = event.getProcesses().stream()
                    .filter(p -> ProcessDefinition.PROCESS_ID.equals(p.getBpmnProcessId())).findFirst().orElseThrow();
            process = process == null ? deployedProcess : process;
            deployed.add(tenantId + " version " + deployedProcess.getVersion());
        }
        studies.record(user.getName(), PROCESS_DEPLOYED, null, null,
                "version " + process.getVersion() + ", definition " + process.getProcessDefinitionKey()
                        + (tenants.enabled() ? ", tenants: " + String.join("; ", deployed) : ""));
        return new Deployed(Long.toString(process.getProcessDefinitionKey()), process.getVersion());
    }

    /** Keys as strings: they exceed JavaScript's safe integers. */
    record Version(String key, int version, String resourceName) {
    }

    record Deployed(String processDefinitionKey, int version) {
    }
}
