/**
 * The BPMN process and what the code needs of it.
 *
 * <ul>
 *   <li>{@link org.dicomstage.workflow.ProcessDefinition}: process id, job types, BPMN error codes, form ids,
 *       element ids and variable names (with their JSON shapes) of {@code bpmn/create-project-specific-dicom.bpmn}
 *       and {@code forms/*.form}. Tests keep model, forms and constants in step.</li>
 *   <li>Job workers, one class per job type (thin: variables to records, then {@code study}, {@code staging},
 *       {@code rt}). A worker signals the business outcomes the model branches on with BPMN errors
 *       ({@code ProcessDefinition.Errors}), everything else with job failures (retries with backoff, then an
 *       incident whose message names what failed, where and why). The workers and their handler methods are
 *       public only because the Camunda SDK invokes them by plain reflection; the logic lives in the
 *       package-private services, one per step ({@code Study0Query}, {@code SelectionExpansion},
 *       {@code SeriesStaging}, {@code CopyVerification}, ...), on what {@code StagingTargets} resolves from the
 *       database, and {@code JobSupport} does MDC and error mapping for all.</li>
 *   <li>{@link org.dicomstage.workflow.UserTasks}, the user-task port: Camunda user tasks are REST-only, so
 *       production uses {@link org.dicomstage.workflow.CamundaRestUserTasks}; tests and the local run replace it
 *       with a record-stream adapter on the in-memory engine.</li>
 *   <li>{@code WorkflowDeployment}: deploys the BPMN and the forms, to each study's tenant or (tenants off) once.</li>
 *   <li>A Camunda tenant per study: {@link org.dicomstage.workflow.StudyTenants} maps a study to its tenant,
 *       {@code EngineAccess} says which tenant members and user authorizations the memberships call for, and
 *       {@code CamundaTenantSync} keeps the cluster in step with them; {@code TenantJobWorkers} gives the job
 *       workers the study tenants.</li>
 * </ul>
 */
package org.dicomstage.workflow;
