/** The BPMN process's job workers (one class per job type) and the user-task port. */
package org.dicomstage.workflow;
