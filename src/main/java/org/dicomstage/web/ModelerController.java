package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.ClientException;
import io.camunda.client.api.response.DeploymentEvent;
import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dicomstage.study.StudyMembers;
import org.dicomstage.workflow.ProcessDefinition;
import org.dicomstage.workflow.StudyTenants;
import org.dicomstage.study.StudyService;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin modeler's backend: deployed versions, their XML, and deploying a new version. Only ROLE_ADMIN reaches
 * it (WebSecurity). Only our process may be deployed here, with job types our workers serve and forms we deploy
 * ({@link ProcessModelChecks}); every deployment is audited with what it changed ({@link ProcessModelDiff}).
 */
@RestController
class ModelerController {

    static final String PROCESS_DEPLOYED = "PROCESS_DEPLOYED";
    /** A deployment the checks refused, with every reason. */
    static final String PROCESS_DEPLOY_REFUSED = "PROCESS_DEPLOY_REFUSED";

    private final ProcessInstances instances;
    private final CamundaClient camunda;
    private final StudyService studies;
    private final ProcessModelChecks checks;
    private final StudyTenants tenants;

    ModelerController(ProcessInstances instances, CamundaClient camunda, StudyService studies,
                      ProcessModelChecks checks, StudyTenants tenants) {
        this.instances = instances;
        this.camunda = camunda;
        this.studies = studies;
        this.checks = checks;
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

    /**
     * What deploying this model would do, without deploying: the checks the engine cannot make (job types, form
     * ids, the process id) and the changes against the newest deployed version, for the admin to confirm.
     */
    @PostMapping(value = "/api/admin/process/check", consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE})
    Review check(@RequestBody String xml) {
        ProcessModelChecks.Findings findings = checks.check(model(xml));
        Optional<ProcessInstances.Definition> latest = instances.definitions().stream().findFirst();
        String deployed = latest.flatMap(d -> instances.xml(d.key())).orElse(null);
        return new Review(latest.map(d -> new Version(Long.toString(d.key()), d.version(), d.resourceName()))
                .orElse(null), findings.errors(), findings.warnings(), ProcessModelDiff.between(deployed, xml));
    }

    /**
     * Deploys after the same checks as {@link #check}; refused with every reason, naming each element. With
     * {@code against} (the definition key the admin's diff was made against), a version deployed by someone else
     * since then is a conflict: the admin has not seen its changes.
     */
    @PostMapping(value = "/api/admin/process", consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE})
    ResponseEntity<Object> deploy(@RequestBody String xml, @RequestParam(required = false) String against,
                                  Principal user) {
        BpmnModelInstance model = model(xml);
        ProcessModelChecks.Findings findings = checks.check(model);
        if (!findings.errors().isEmpty()) {
            String reasons = findings.errors().stream().map(ProcessModelChecks.Finding::text)
                    .collect(Collectors.joining("; "));
            studies.record(user.getName(), PROCESS_DEPLOY_REFUSED, null, null, reasons);
            return ResponseEntity.badRequest().body(Map.of("error", "Not deployed: " + reasons,
                    "problems", findings.errors()));
        }
        Optional<ProcessInstances.Definition> latest = instances.definitions().stream().findFirst();
        String latestKey = latest.map(d -> Long.toString(d.key())).orElse(null);
        if (against != null && !against.equals(latestKey)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "Version "
                    + latest.map(ProcessInstances.Definition::version).orElse(0) + " was deployed since you"
                    + " reviewed the changes. Review them again before deploying."));
        }
        ProcessModelDiff.Changes changes = ProcessModelDiff.between(
                latest.flatMap(d -> instances.xml(d.key())).orElse(null), xml);
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
                        + latest.map(d -> ", against version " + d.version()).orElse("") + ": " + changes.summary()
                        + (tenants.enabled() ? "; tenants: " + String.join("; ", deployed) : ""));
        return ResponseEntity.ok(new Deployed(Long.toString(process.getProcessDefinitionKey()), process.getVersion(),
                changes.summary()));
    }

    private static BpmnModelInstance model(String xml) {
        try {
            return Bpmn.readModelFromStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a BPMN model: " + e.getMessage(), e);
        }
    }

    /** Keys as strings: they exceed JavaScript's safe integers. */
    record Version(String key, int version, String resourceName) {
    }

    record Deployed(String processDefinitionKey, int version, String changes) {
    }

    /** {@code against} is null while nothing is deployed. */
    record Review(Version against, List<ProcessModelChecks.Finding> errors, List<ProcessModelChecks.Finding> warnings,
                  ProcessModelDiff.Changes changes) {
    }
}
