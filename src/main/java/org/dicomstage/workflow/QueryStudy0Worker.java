package org.dicomstage.workflow;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.annotation.VariablesAsType;
import io.camunda.client.api.response.ActivatedJob;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.springframework.stereotype.Component;

/** {@value JobTypes#QUERY_STUDY0}: the selected subjects' series in Study0, the RT tree and the staged status. */
@Component
public class QueryStudy0Worker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String requestedBy, String studyId, List<String> selectedSubjectIds, String study0StudyInstanceUid,
                 Long stagingRequestId) {
    }

    record Output(List<Map<String, Object>> seriesTable, List<Map<String, Object>> seriesOptions, List<Map<String, Object>> rtTree,
                  List<Map<String, Object>> busyStudies, String busyStudiesNotice) {
    }

    private final Study0Query query;
    private final JobSupport jobs;

    QueryStudy0Worker(Study0Query query, JobSupport jobs) {
        this.query = query;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.QUERY_STUDY0, fetchVariables = {Variables.REQUESTED_BY, Variables.STUDY_ID,
            Variables.SELECTED_SUBJECT_IDS, Variables.STUDY0_STUDY_INSTANCE_UID, Variables.STAGING_REQUEST_ID})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(Errors.SUBJECT_UNAVAILABLE), "querying Study0 for subjects " + in.selectedSubjectIds(), () -> {
            Study0Query.Study0Result r = query.queryStudy0(in.requestedBy(), in.studyId(),
                    in.selectedSubjectIds(), in.study0StudyInstanceUid(), in.stagingRequestId(),
                    job.getProcessInstanceKey());
            return new Output(r.seriesTable(), r.seriesOptions(), r.rtTree(), r.busyStudies(),
                    r.busyNotice());
        });
    }
}
