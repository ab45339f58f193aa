package org.dicomstage.workflow;

import io.camunda.client.annotation.customizer.JobWorkerValueCustomizer;
import io.camunda.client.annotation.value.JobWorkerValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.dicomstage.study.StudyMembers;
import org.dicomstage.study.StudyService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Job workers ask the cluster for jobs of named tenants only (Camunda 8.8 has no "every tenant I belong to"), so each
 * worker gets the tenants of the process studies when it opens at start-up. The Spring SDK adds the client's default
 * tenant itself. A study added later has its jobs worked on after the next restart; until then they wait (no
 * incident). With tenants switched off nothing is changed.
 */
@Component
class TenantJobWorkers implements JobWorkerValueCustomizer {

    private final StudyTenants tenants;
    private final ObjectProvider<StudyService> studies;

    TenantJobWorkers(StudyTenants tenants, ObjectProvider<StudyService> studies) {
        this.tenants = tenants;
        this.studies = studies;
    }

    @Override
    public void customize(JobWorkerValue worker) {
        if (!tenants.enabled()) {
            return;
        }
        Set<String> ids = new LinkedHashSet<>();
        if (worker.getTenantIds() != null) {
            ids.addAll(worker.getTenantIds());
        }
        for (StudyMembers study : studies.getObject().processStudies()) {
            ids.add(StudyTenants.tenantId(study.identifier()));
        }
        worker.setTenantIds(new ArrayList<>(ids));
    }

}
