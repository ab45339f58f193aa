package org.dicomstage.workflow;

import io.camunda.client.annotation.Deployment;
import org.springframework.context.annotation.Configuration;

/**
 * Deploys the process and its forms when the application starts. The forms must go with the BPMN: a user
 * task's {@code formId} is resolved against the forms deployed, and Tasklist shows nothing without them.
 * Deploying an unchanged resource again creates no new version. {@code camunda.client.deployment.enabled=false}
 * turns this off (for context tests without an engine).
 */
@Configuration(proxyBeanMethods = false)
@Deployment(resources = {"classpath*:bpmn/*.bpmn", "classpath*:forms/*.form"})
class WorkflowDeployment {
}
