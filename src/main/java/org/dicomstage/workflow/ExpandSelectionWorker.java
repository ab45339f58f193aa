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

/** {@value JobTypes#EXPAND_SELECTION}: the RT closure of the picks, registered in the staging requests. */
@Component
public class ExpandSelectionWorker {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Input(String requestedBy, String studyId, List<String> pickedSeriesUids, List<String> pickedRtSeriesUids,
                 List<Map<String, Object>> seriesTable) {
    }

    /** A new selection starts without consent to drop references: copyAnyway and droppedReferences are reset. */
    record Output(List<Map<String, Object>> expandedSelection, List<Map<String, Object>> selectionOptions,
                  List<String> confirmedSeriesUids, String selectionWarnings,
                  List<Map<String, Object>> confirmWarnings, boolean copyAnyway, List<String> droppedReferences) {
    }

    private final SelectionExpansion expansion;
    private final JobSupport jobs;

    ExpandSelectionWorker(SelectionExpansion expansion, JobSupport jobs) {
        this.expansion = expansion;
        this.jobs = jobs;
    }

    @JobWorker(type = JobTypes.EXPAND_SELECTION, fetchVariables = {Variables.REQUESTED_BY, Variables.STUDY_ID,
            Variables.PICKED_SERIES_UIDS, Variables.PICKED_RT_SERIES_UIDS, Variables.SERIES_TABLE})
    public Output handle(ActivatedJob job, @VariablesAsType Input in) {
        return jobs.run(job, in.studyId(), Set.of(Errors.NOTHING_SELECTED, Errors.SERIES_NOT_IN_STUDY0), "expanding the selection", () -> {
            SelectionExpansion.ExpandedSelection r = expansion.expandSelection(in.requestedBy(), in.studyId(),
                    in.pickedSeriesUids(), in.pickedRtSeriesUids(), in.seriesTable(),
                    job.getProcessInstanceKey());
            return new Output(r.expandedSelection(), r.selectionOptions(), r.confirmedSeriesUids(),
                    r.selectionWarnings(), r.confirmWarnings(), false, List.of());
        });
    }
}
