package org.dicomstage.web;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.UserTask;
import org.dicomstage.workflow.UserTasks;

/**
 * Takes a process instance to the Pick series task by doing the workers' part by hand, with the variables the
 * workers document in ProcessDefinition. Replaced by the real workers in the full journey test.
 */
final class ProcessDriver {

    static final String STUDY_UID = "1.2.826.0.1.3680043.10.1.2";
    static final String CT = STUDY_UID + ".1";
    static final String MR = STUDY_UID + ".2";
    static final String RTSTRUCT = STUDY_UID + ".3";
    static final String PLAN_APPROVED = STUDY_UID + ".4";
    static final String PLAN_UNAPPROVED = STUDY_UID + ".5";
    static final String DOSE = STUDY_UID + ".6";

    /** CT is already in the project (an accepted request copied it); the other series are not. */
    static final String CT_IN_PROJECT = "Yes, 2026-03-01 (request #1)";
    /** A plan label as a header may carry it: markdown that must stay text wherever it is shown. */
    static final String HOSTILE_PLAN_LABEL = "[click](http://evil.example)";

    private final CamundaClient camunda;
    private final UserTasks tasks;

    ProcessDriver(CamundaClient camunda, UserTasks tasks) {
        this.camunda = camunda;
        this.tasks = tasks;
    }

    /**
     * A new instance started the Tasklist way (no staging request, so no study or subject fixed) for the requester,
     * waiting at Activate study; returns that task, assigned to the requester.
     */
    UserTask atActivateStudy(String requestedBy) {
        long instance = camunda.newCreateInstanceCommand().bpmnProcessId("create-project-specific-dicom")
                .latestVersion().variables(Map.of("requestedBy", requestedBy, "availableStudies",
                        List.of(Map.of("label", DemoStudyData.RT_HN_2026, "value", DemoStudyData.RT_HN_2026))))
                .send().join().getProcessInstanceKey();
        return task(instance, "ActivateStudy");
    }

    /**
     * A Tasklist-started instance for the requester in which Activate study chose RT-HN-2026 and check-access
     * offered the given study subject: it waits at Select patient, a task of that study assigned to the requester.
     */
    UserTask atSelectPatient(String requestedBy, String subjectId) {
        long instance = atActivateStudy(requestedBy).processInstanceKey();
        tasks.complete(task(instance, "ActivateStudy").key(), Map.of("studyId", DemoStudyData.RT_HN_2026));
        completeJob(instance, JobTypes.CHECK_ACCESS, Map.of("studyName", "Adaptive RT",
                "enrolledSubjects", List.of(Map.of("label", subjectId + " (Site A)", "value", subjectId)),
                "cancelKey", Long.toString(instance)));
        return task(instance, "SelectPatient");
    }

    /** A new instance for the researcher and subject HN-001, waiting at Pick series; returns that task. */
    UserTask atPickSeries() {
        long instance = atSelectPatient(DemoStudyData.RESEARCHER, "HN-001").processInstanceKey();
        tasks.complete(task(instance, "SelectPatient").key(),
                Map.of("subjectSelectionMode", "one", "subjectId", "HN-001"));
        completeJob(instance, JobTypes.QUERY_STUDY0, Map.of(
                "seriesTable", List.of(
                        row(CT, "CT", 1, "Planning CT", 120), row(MR, "MR", 2, "T1 MPRAGE", 176),
                        row(RTSTRUCT, "RTSTRUCT", 3, "Contours", 1), row(PLAN_APPROVED, "RTPLAN", 4, "Plan A", 1),
                        row(PLAN_UNAPPROVED, "RTPLAN", 5, "Plan B", 1), row(DOSE, "RTDOSE", 6, "Dose A", 1)),
                "seriesOptions", List.of(Map.of("label", "CT Planning CT", "value", CT),
                        Map.of("label", "MR T1 MPRAGE", "value", MR)),
                "rtTree", List.of(
                        node(CT, "CT", "Planning CT", 0, null),
                        node(RTSTRUCT, "RTSTRUCT", "Contours", 1, null),
                        plan(node(PLAN_APPROVED, "RTPLAN", "Plan A", 2, "APPROVED"), "PLAN_A", "Plan A"),
                        node(DOSE, "RTDOSE", "Dose A", 3, null),
                        plan(node(PLAN_UNAPPROVED, "RTPLAN", "Plan B", 2, "UNAPPROVED"), HOSTILE_PLAN_LABEL,
                                "Plan B"),
                        Map.of("seriesInstanceUid", "", "modality", "RTSTRUCT", "seriesDescription",
                                "Missing structure set", "depth", 0, "kind", "DANGLING"))));
        return task(instance, "PickSeries");
    }

    /**
     * From Pick series to the review: picks the MR, confirms it, and does expand-selection's, stage-series' and
     * verify's part; verify offers the review to {@code reviewCandidates}. Returns the review task.
     */
    UserTask atReview(UserTask pick, List<String> reviewCandidates, boolean fourEyes) {
        long instance = pick.processInstanceKey();
        tasks.complete(pick.key(), Map.of("pickedSeriesUids", List.of(MR)));
        completeJob(instance, JobTypes.EXPAND_SELECTION, Map.of(
                "expandedSelection", List.of(row(MR, "MR", 2, "T1 MPRAGE", 176)),
                "selectionOptions", List.of(Map.of("label", "MR T1 MPRAGE", "value", MR)),
                "confirmedSeriesUids", List.of(MR), "selectionWarnings", ""));
        tasks.complete(task(instance, "ConfirmSelection").key(), Map.of("confirmedSeriesUids", List.of(MR)));
        completeJob(instance, JobTypes.STAGE_SERIES, Map.of("stagingResult", Map.of("seriesInstanceUid", MR,
                "status", "STAGED", "instancesStaged", 176)));
        completeJob(instance, JobTypes.VERIFY, Map.of("verified", true,
                "verificationReport", List.of(Map.of("seriesDescription", "MR 'T1 MPRAGE'", "seriesInstanceUid",
                        "2.25.7", "expectedInstances", 176, "stagedInstances", 176, "checks",
                        "all 176 instances arrived; no source identifier found; pixel data identical in 176 of 176;"
                                + " no references to check", "result", "OK")),
                "failedSeries", List.of(), "stagingProblems", List.of(), "keptDescriptors", List.of(),
                "reviewCandidates", reviewCandidates, "fourEyes", fourEyes));
        return task(instance, "ReviewStagedCopy");
    }

    private static Map<String, Object> row(String uid, String modality, int number, String description, int count) {
        var row = new java.util.LinkedHashMap<String, Object>(Map.of("patientId", "PID-0001",
                "studySubjectId", "HN-001", "studyDate", "2026-03-02", "studyDescription", "RT planning",
                "modality", modality, "seriesNumber", number, "seriesDescription", description, "instanceCount", count,
                "seriesInstanceUid", uid));
        row.putAll(inProject(uid));
        return row;
    }

    private static Map<String, Object> inProject(String uid) {
        return CT.equals(uid) ? Map.of("inProject", CT_IN_PROJECT, "alreadyInProject", true)
                : Map.of("inProject", "No", "alreadyInProject", false);
    }

    private static Map<String, Object> plan(Map<String, Object> node, String label, String name) {
        node.put("rtPlanLabel", label);
        node.put("rtPlanName", name);
        return node;
    }

    /** Does expand-selection's part for the picks of the instance, with the given warning; returns Confirm. */
    UserTask atConfirmSelection(long instance, String selectionWarnings) {
        completeJob(instance, JobTypes.EXPAND_SELECTION, Map.of(
                "expandedSelection", List.of(row(PLAN_UNAPPROVED, "RTPLAN", 5, "Plan B", 1)),
                "selectionOptions", List.of(Map.of("label", "RTPLAN Plan B", "value", PLAN_UNAPPROVED)),
                "confirmedSeriesUids", List.of(PLAN_UNAPPROVED),
                "selectionWarnings", selectionWarnings));
        return task(instance, "ConfirmSelection");
    }

    /**
     * Does expand-selection's part for an RT pick: the plans, the structure set, the CT and the dose, each addition
     * with why it came, and the warnings per series and per reference as the worker words them; returns Confirm.
     */
    UserTask atConfirmSelectionWithReferences(long instance) {
        List<Map<String, Object>> expanded = List.of(
                added(row(CT, "CT", 1, "Planning CT", 120), "referenced by RTSTRUCT 'Contours'"),
                added(row(RTSTRUCT, "RTSTRUCT", 3, "Contours", 1), "referenced by RTPLAN 'PLAN_A'"),
                added(row(PLAN_APPROVED, "RTPLAN", 4, "Plan A", 1), "referenced by RTDOSE 'Dose A'"),
                added(row(PLAN_UNAPPROVED, "RTPLAN", 5, "Plan B", 1), null),
                added(row(DOSE, "RTDOSE", 6, "Dose A", 1), null));
        String planB = "RTPLAN '" + HOSTILE_PLAN_LABEL + "'";
        completeJob(instance, JobTypes.EXPAND_SELECTION, Map.of(
                "expandedSelection", expanded,
                "selectionOptions", expanded.stream().map(r -> Map.of("label", r.get("modality") + " "
                        + r.get("seriesDescription"), "value", r.get("seriesInstanceUid"))).toList(),
                "confirmedSeriesUids", List.of(CT, RTSTRUCT, PLAN_APPROVED, PLAN_UNAPPROVED, DOSE),
                "selectionWarnings", "",
                "confirmWarnings", List.of(
                        warning(PLAN_UNAPPROVED, null, planB + " is UNAPPROVED"),
                        warning(DOSE, PLAN_APPROVED, "RTDOSE 'Dose A' references plan 'PLAN_A', which will not be copied"),
                        warning(PLAN_APPROVED, RTSTRUCT, "RTPLAN 'PLAN_A' references structure set 'Contours', which"
                                + " will not be copied"),
                        warning(PLAN_UNAPPROVED, RTSTRUCT, planB + " references structure set 'Contours', which will"
                                + " not be copied"),
                        warning(RTSTRUCT, CT, "RTSTRUCT 'Contours' references CT series 'Planning CT', which will"
                                + " not be copied")),
                "copyAnyway", false, "droppedReferences", List.of()));
        return task(instance, "ConfirmSelection");
    }

    private static Map<String, Object> added(Map<String, Object> row, String because) {
        Map<String, Object> r = new java.util.LinkedHashMap<>(row);
        r.remove("patientId");
        r.put("addedBecause", because);
        r.put("approvalStatus", PLAN_UNAPPROVED.equals(row.get("seriesInstanceUid")) ? "UNAPPROVED"
                : PLAN_APPROVED.equals(row.get("seriesInstanceUid")) ? "APPROVED" : null);
        return r;
    }

    private static Map<String, Object> warning(String series, String referenced, String text) {
        Map<String, Object> w = new java.util.LinkedHashMap<>();
        w.put("seriesInstanceUid", series);
        w.put("referencedSeriesUid", referenced);
        w.put("warning", text);
        return w;
    }

    private static java.util.LinkedHashMap<String, Object> node(String uid, String modality, String description, int depth,
                                            String approval) {
        var node = new java.util.LinkedHashMap<String, Object>();
        node.put("seriesInstanceUid", uid);
        node.put("modality", modality);
        node.put("seriesDescription", description);
        node.put("depth", depth);
        node.put("approvalStatus", approval);
        node.putAll(inProject(uid));
        return node;
    }

    private void completeJob(long instance, String type, Map<String, Object> variables) {
        ActivatedJob job = await(() -> camunda.newActivateJobsCommand().jobType(type).maxJobsToActivate(10)
                .timeout(Duration.ofSeconds(5)).send().join().getJobs().stream()
                .filter(j -> j.getProcessInstanceKey() == instance).findFirst().orElse(null));
        camunda.newCompleteCommand(job.getKey()).variables(variables).send().join();
    }

    UserTask task(long instance, String elementId) {
        return await(() -> tasks.open(instance).stream().filter(t -> t.elementId().equals(elementId)).findFirst()
                .orElse(null));
    }

    private static <T> T await(Supplier<T> probe) {
        return org.dicomstage.testing.Poll.until(Duration.ofSeconds(15), probe, () -> "timed out");
    }
}
