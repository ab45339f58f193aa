package org.dicomstage.workflow;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.command.DeployResourceCommandStep1;
import io.camunda.client.api.response.DeploymentEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Deploys the process and its forms. The forms must go with the BPMN: a user task's {@code formId} is resolved
 * against the forms deployed in the same tenant, and Tasklist shows nothing without them. Deploying an unchanged
 * resource again creates no new version.
 *
 * <p>With a tenant per study ({@code dicomstage.tenants.enabled}, the default) each study's tenant gets its own
 * deployment, made by {@link CamundaTenantSync} once the tenant exists (at start-up, and for a study added later at
 * its next run). Without ({@code false}: the local run and the process tests, whose engine ignores tenant ids) the
 * process is deployed once, to the default tenant, when the application is ready.
 * {@code camunda.client.deployment.enabled=false} turns both off (for context tests without an engine).
 */
@Component
public class WorkflowDeployment {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowDeployment.class);
    private static final List<String> RESOURCES = List.of("classpath*:bpmn/*.bpmn", "classpath*:forms/*.form");

    private final CamundaClient client;
    private final boolean enabled;
    private final boolean perTenant;

    WorkflowDeployment(CamundaClient client, Environment environment) {
        this.client = client;
        this.enabled = environment.getProperty("camunda.client.deployment.enabled", Boolean.class, true);
        this.perTenant = environment.getProperty(StudyTenants.ENABLED_PROPERTY, Boolean.class, true);
    }

    /** First of the ready listeners: the local run announces itself as ready only once the process is there. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void deployToDefaultTenant() {
        if (enabled && !perTenant) {
            deploy(StudyTenants.DEFAULT_TENANT);
        }
    }

    /** Deploys the BPMN and every form from the classpath to the tenant. */
    public DeploymentEvent deploy(String tenantId) {
        if (!enabled) {
            return null;
        }
        DeployResourceCommandStep1.DeployResourceCommandStep2 command = null;
        for (Resource resource : resources()) {
            try (InputStream in = resource.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                command = command == null
                        ? client.newDeployResourceCommand().addResourceBytes(bytes, resource.getFilename())
                        : command.addResourceBytes(bytes, resource.getFilename());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
        if (command == null) {
            throw new IllegalStateException("no BPMN or form resources on the classpath: " + RESOURCES);
        }
        DeploymentEvent event = command.tenantId(tenantId).send().join();
        LOG.info("Deployed to tenant {}: {}", tenantId, event.getProcesses().stream()
                .map(p -> p.getBpmnProcessId() + " version " + p.getVersion()).toList());
        return event;
    }

    private static List<Resource> resources() {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        List<Resource> found = new ArrayList<>();
        for (String pattern : RESOURCES) {
            try {
                found.addAll(List.of(resolver.getResources(pattern)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + pattern, e);
            }
        }
        return found;
    }
}
