package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.client.CamundaClient;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.assertions.BpmnAssert;
import io.camunda.zeebe.process.test.assertions.ProcessInstanceAssert;
import io.camunda.zeebe.process.test.filters.RecordStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Errors;
import org.dicomstage.workflow.ProcessDefinition.Forms;
import org.dicomstage.workflow.ProcessDefinition.Headers;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The process on the in-memory engine, as the researcher lives it: which task is open, with which form and
 * which data, and where each path ends. Service tasks are answered by {@link TestJobs}, user tasks through the
 * {@link UserTasks} port ({@link ZptUserTasks}).
 */
@ProcessTest
class CreateProjectSpecificDicomProcessTest {

    private static final String RESEARCHER = "alice";
    private static final Map<String, Object> CT = series("1.2.3.1", "CT", "Planning CT");
    private static final Map<String, Object> RTSTRUCT = series("1.2.3.2", "RTSTRUCT", "ROIs");
    private static final Map<String, Object> RTPLAN = series("1.2.3.3", "RTPLAN", "Plan A");

    @Autowired
    CamundaClient client;
    @Autowired
    ZeebeTestEngine engine;
    @Autowired
    UserTasks userTasks;

    private long instance;
    private TestJobs jobs;

    @BeforeEach
    void start() {
        BpmnAssert.initRecordStream(RecordStream.of(engine.getRecordStreamSource()));
        instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, RESEARCHER,
                        Variables.AVAILABLE_STUDIES, List.of(option("HNC", "Head and neck cohort"))))
                .send().join().getProcessInstanceKey();
        jobs = new TestJobs(client, instance);
    }

    @AfterEach
    void cleanUp() {
        // The engine outlives the test (cached context): leave no jobs behind for the next one.
        if (!userTasks.open(instance).isEmpty() || ProcessInstances.isActive(instance)) {
            client.newCancelInstanceCommand(instance).send().join();
        }
        BpmnAssert.resetRecordStream();
    }

    @Test
    void happyPathEndsWithAcceptedProjectCopy() {
        UserTask activate = openTask(Elements.ACTIVATE_STUDY, Forms.ACTIVATE_STUDY);
        assertThat(activate.name()).isEqualTo("Activate study");
        assertThat(activate.assignee()).isEqualTo(RESEARCHER);
        assertThat(activate.variables()).containsKey(Variables.AVAILABLE_STUDIES);

        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(CT.get("seriesInstanceUid")), List.of(RTPLAN.get("seriesInstanceUid")));
        assertInstance().hasVariableWithValue(Variables.SELECTED_SERIES_UIDS, List.of("1.2.3.1", "1.2.3.3"));

        expandSelection();
        UserTask confirm = openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION);
        assertThat(confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS))
                .as("everything pre-checked").isEqualTo(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3"));
        assertThat(confirm.variables().get(Variables.CONFIRM_WARNINGS)).asString().contains("UNAPPROVED");
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1", "1.2.3.2")));
        assertInstance().hasVariableWithValue(Variables.SERIES_TO_STAGE, List.of(CT, RTSTRUCT));

        stageAll(2);
        assertInstance().hasVariableWithValue(Variables.STAGING_RESULTS,
                List.of(staged("1.2.3.1"), staged("1.2.3.2")));
        verify(true, List.of());

        UserTask review = openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY);
        assertThat(review.variables()).containsKey(Variables.VERIFICATION_REPORT);
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        publish();
        closeRequest(Elements.CLOSE_REQUEST_ACCEPTED, RequestOutcome.ACCEPTED);

        assertInstance().isCompleted().hasNoIncidents().hasPassedElementsInOrder(Elements.STARTED_FROM_LOOKUP,
                Elements.ACTIVATE_STUDY, Elements.CHECK_STUDY_ACCESS, Elements.SUBJECT_CHOSEN,
                Elements.SELECT_PATIENT, Elements.QUERY_STUDY0, Elements.PICK_SERIES,
                Elements.EXPAND_SELECTION, Elements.CONFIRM_SELECTION, Elements.REFERENCES_DROPPED,
                Elements.VERIFY_STAGED_COPY,
                Elements.REVIEW_STAGED_COPY, Elements.PUBLISH_ACCEPTED_COPY, Elements.CLOSE_REQUEST_ACCEPTED,
                Elements.END_ACCEPTED)
                // The multi-instance body plus one instance per confirmed series.
                .hasPassedElement(Elements.STAGE_SERIES, 3);
        assertThat(userTasks.open(instance)).isEmpty();
    }

    @Test
    void accessDeniedEndsWithoutACopy() {
        userTasks.complete(openTask(Elements.ACTIVATE_STUDY, Forms.ACTIVATE_STUDY).key(),
                Map.of(Variables.STUDY_ID, "HNC"));
        jobs.throwError(JobTypes.CHECK_ACCESS, Errors.ACCESS_DENIED, "alice is not a member of HNC");
        // Started from the lookup page, the process already has a request: it is closed too.
        closeRequest(Elements.CLOSE_REQUEST_ACCESS_DENIED, RequestOutcome.ACCESS_DENIED);

        assertInstance().isCompleted().hasPassedElementsInOrder(Elements.CLOSE_REQUEST_ACCESS_DENIED,
                        Elements.END_ACCESS_DENIED)
                .hasNotPassedElement(Elements.SELECT_PATIENT);
        assertThat(userTasks.open(instance)).isEmpty();
    }

    @Test
    void studyNotEnabledForDicomEndsWithoutACopy() {
        userTasks.complete(openTask(Elements.ACTIVATE_STUDY, Forms.ACTIVATE_STUDY).key(),
                Map.of(Variables.STUDY_ID, "HNC"));
        jobs.throwError(JobTypes.CHECK_ACCESS, Errors.DICOM_NOT_ENABLED, "HNC has no DICOM archive");
        closeRequest(Elements.CLOSE_REQUEST_DICOM_NOT_ENABLED, RequestOutcome.DICOM_NOT_ENABLED);

        assertInstance().isCompleted().hasPassedElementsInOrder(Elements.CLOSE_REQUEST_DICOM_NOT_ENABLED,
                Elements.END_DICOM_NOT_ENABLED);
    }

    @Test
    void nothingSelectedSendsTheResearcherBackToPickingWithAMessage() {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(), List.of());
        assertInstance().hasVariableWithValue(Variables.SELECTED_SERIES_UIDS, List.of());
        jobs.throwError(JobTypes.EXPAND_SELECTION, Errors.NOTHING_SELECTED, "no series picked");

        UserTask again = openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        assertThat(again.variables().get(Variables.PICK_SERIES_NOTICE))
                .isEqualTo("Nothing was selected. Pick at least one series.");

        pickSeries(List.of(CT.get("seriesInstanceUid")), null);
        expandSelection();
        UserTask confirm = openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION);
        assertThat(confirm.variables().get(Variables.PICK_SERIES_NOTICE)).as("notice cleared").isNull();
        assertInstance().hasPassedElement(Elements.PICK_SERIES, 2).hasNoIncidents();
    }

    @Test
    void untickingAReferencedSeriesAtConfirmReturnsToConfirmWithTheNamedWarningUntilCopyAnyway() {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(), List.of(RTPLAN.get("seriesInstanceUid")));
        expandSelection();

        // The plan stays ticked, the structure set it references does not: nothing is staged yet.
        UserTask confirm = openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1", "1.2.3.3")));
        UserTask again = openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION);
        assertThat(again.variables().get(Variables.DROPPED_REFERENCES)).isEqualTo(List.of(PLAN_NEEDS_ROIS));
        assertThat(again.variables().get(Variables.CONFIRMED_SERIES_UIDS)).as("the researcher's own ticks")
                .isEqualTo(List.of("1.2.3.1", "1.2.3.3"));
        assertThat(jobCount(JobTypes.STAGE_SERIES)).as("staging has not started").isZero();

        // With "copy anyway" the same ticks go to staging, the dangling reference knowingly accepted.
        userTasks.complete(again.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1", "1.2.3.3"),
                Variables.COPY_ANYWAY, true));
        stageAll(2);
        assertInstance().hasPassedElement(Elements.CONFIRM_SELECTION, 2)
                .hasPassedElement(Elements.REFERENCES_DROPPED, 2).hasNoIncidents();
    }

    @Test
    void tickingTheReferencedSeriesAgainAtConfirmStagesWithoutConsent() {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(), List.of(RTPLAN.get("seriesInstanceUid")));
        expandSelection();
        userTasks.complete(openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION).key(),
                Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.3")));
        UserTask again = openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION);
        assertThat(again.variables().get(Variables.DROPPED_REFERENCES)).isEqualTo(List.of(PLAN_NEEDS_ROIS));
        userTasks.complete(again.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1", "1.2.3.2", "1.2.3.3")));
        stageAll(3);
        assertInstance().hasVariableWithValue(Variables.SERIES_TO_STAGE, List.of(CT, RTSTRUCT, RTPLAN))
                .hasVariableWithValue(Variables.DROPPED_REFERENCES, List.of())
                .hasPassedElement(Elements.CONFIRM_SELECTION, 2);
    }

    @Test
    void aSubjectNoLongerEnrolledGoesBackToSelectPatientWithTheMessage() {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        String problem = "Subject HNC-001 is no longer enrolled in HNC. Choose another subject.";
        jobs.throwError(JobTypes.QUERY_STUDY0, Errors.SUBJECT_UNAVAILABLE, problem,
                Map.of(Variables.INPUT_PROBLEM, problem));

        UserTask select = openTask(Elements.SELECT_PATIENT, Forms.SELECT_PATIENT);
        assertThat(select.variables().get(Variables.SELECT_PATIENT_NOTICE)).isEqualTo(problem);
        userTasks.complete(select.key(), Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT,
                Variables.SUBJECT_ID, "HNC-002"));
        assertInstance().hasVariableWithValue(Variables.SELECTED_SUBJECT_IDS, List.of("HNC-002"))
                .hasVariableWithValue(Variables.SELECT_PATIENT_NOTICE, null);
        queryStudy0();
        openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        assertInstance().hasPassedElement(Elements.SUBJECT_UNAVAILABLE).hasPassedElement(Elements.SELECT_PATIENT, 2)
                .hasNoIncidents();
    }

    @Test
    void aSubjectFixedOnTheLookupButNoLongerEnrolledEndsWithoutACopyAndSaysWhy() {
        client.newCancelInstanceCommand(instance).send().join();
        instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, RESEARCHER, Variables.STUDY_ID, "HNC",
                        Variables.SELECTED_SUBJECT_IDS, List.of("HNC-001"),
                        Variables.STUDY0_STUDY_INSTANCE_UID, "1.2.3", Variables.STAGING_REQUEST_ID, 7))
                .send().join().getProcessInstanceKey();
        jobs = new TestJobs(client, instance);
        jobs.complete(JobTypes.CHECK_ACCESS, Map.of(Variables.STUDY_NAME, "Head and neck cohort",
                Variables.CANCEL_KEY, Long.toString(instance)));
        String problem = "Subject HNC-001 is no longer enrolled in HNC. Choose another subject.";
        jobs.throwError(JobTypes.QUERY_STUDY0, Errors.SUBJECT_UNAVAILABLE, problem,
                Map.of(Variables.INPUT_PROBLEM, problem));
        closeRequest(Elements.CLOSE_REQUEST_ACCESS_DENIED, RequestOutcome.ACCESS_DENIED);

        assertInstance().isCompleted().hasVariableWithValue(Variables.ACCESS_PROBLEM, problem)
                .hasPassedElementsInOrder(Elements.SUBJECT_UNAVAILABLE, Elements.SUBJECT_FIXED_ON_LOOKUP,
                        Elements.CLOSE_REQUEST_ACCESS_DENIED, Elements.END_ACCESS_DENIED)
                .hasNotPassedElement(Elements.SELECT_PATIENT);
    }

    @Test
    void aSeriesNoLongerInStudy0QueriesAgainAndGoesBackToPickingWithTheMessage() {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(CT.get("seriesInstanceUid")), null);
        String problem = "The series CT 'Planning CT' is no longer in Study0. The list has been updated: please pick"
                + " again.";
        jobs.throwError(JobTypes.EXPAND_SELECTION, Errors.SERIES_NOT_IN_STUDY0, problem,
                Map.of(Variables.INPUT_PROBLEM, problem));

        queryStudy0();
        UserTask pick = openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        assertThat(pick.variables().get(Variables.PICK_SERIES_NOTICE)).isEqualTo(problem);
        assertInstance().hasPassedElement(Elements.SERIES_NOT_IN_STUDY0)
                .hasPassedElement(Elements.QUERY_STUDY0, 2).isWaitingAtElements(Elements.PICK_SERIES)
                .hasNotPassedElement(Elements.CONFIRM_SELECTION).hasNoIncidents();
    }

    @Test
    void failedVerificationIsResolvedByRetryingOnlyTheFailedSeries() {
        toStaging(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3"));
        stageAll(3);
        verify(false, List.of(RTPLAN));

        UserTask resolve = openTask(Elements.RESOLVE_STAGING_PROBLEM, Forms.RESOLVE_STAGING_PROBLEM);
        assertThat(resolve.name()).isEqualTo("Resolve staging problem");
        assertThat(resolve.variables()).containsKey(Variables.STAGING_PROBLEMS);
        userTasks.complete(resolve.key(), Map.of(Variables.RESOLVE_DECISION, Decisions.RETRY));

        var retried = jobs.completeEach(JobTypes.STAGE_SERIES, 1, job -> stagedAnswer(job.getVariablesAsMap()));
        assertThat(retried.getFirst().getVariablesAsMap().get(Variables.SERIES)).isEqualTo(RTPLAN);
        verify(true, List.of());
        userTasks.complete(openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY).key(),
                Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        publish();
        closeRequest(Elements.CLOSE_REQUEST_ACCEPTED, RequestOutcome.ACCEPTED);

        assertInstance().isCompleted().hasPassedElement(Elements.RESOLVE_STAGING_PROBLEM)
                .hasPassedElement(Elements.VERIFY_STAGED_COPY, 2).hasPassedElement(Elements.END_ACCEPTED);
    }

    @Test
    void abortingAfterFailedVerificationEndsStaging() {
        toStaging(List.of("1.2.3.1"));
        stageAll(1);
        verify(false, List.of(CT));
        userTasks.complete(openTask(Elements.RESOLVE_STAGING_PROBLEM, Forms.RESOLVE_STAGING_PROBLEM).key(),
                Map.of(Variables.RESOLVE_DECISION, Decisions.ABORT, Variables.RESOLVE_COMMENT, "archive down"));
        clearHolding(Elements.CLEAR_HOLDING_ABORTED);
        closeRequest(Elements.CLOSE_REQUEST_ABORTED, RequestOutcome.ABORTED);

        assertInstance().isCompleted().hasPassedElementsInOrder(Elements.CLEAR_HOLDING_ABORTED,
                Elements.CLOSE_REQUEST_ABORTED, Elements.END_STAGING_ABORTED)
                .hasNotPassedElement(Elements.REVIEW_STAGED_COPY).hasNotPassedElement(Elements.PUBLISH_ACCEPTED_COPY);
    }

    @Test
    void cancelTickedAtPickSeriesEmptiesTheHoldingCopyAndClosesTheRequestAsCancelledWithTheReason() {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        UserTask pick = openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        userTasks.complete(pick.key(), Map.of(Variables.CANCEL_REQUEST, true,
                Variables.CANCEL_REASON, "wrong patient", Variables.CANCELLED_BY, "someone-else"));

        ActivatedJob clear = clearHolding(Elements.CLEAR_HOLDING_CANCELLED);
        assertThat(clear.getCustomHeaders()).containsEntry(Headers.REQUEST_OUTCOME, RequestOutcome.CANCELLED.name());
        // Who cancelled comes from the model (the task's assignee), not from what the form sent.
        assertThat(clear.getVariablesAsMap()).containsEntry(Variables.CANCEL_REASON, "wrong patient")
                .containsEntry(Variables.CANCELLED_BY, RESEARCHER);
        closeRequest(Elements.CLOSE_REQUEST_CANCELLED, RequestOutcome.CANCELLED);
        assertInstance().isCompleted().hasPassedElementsInOrder(Elements.PICK_SERIES, Elements.PICK_CANCELLED,
                Elements.CANCEL_CHOSEN_AT_PICK, Elements.REQUEST_DECISION, Elements.CLEAR_HOLDING_CANCELLED,
                Elements.CLOSE_REQUEST_CANCELLED, Elements.END_REQUEST_CANCELLED)
                .hasNotPassedElement(Elements.EXPAND_SELECTION).hasNotPassedElement(Elements.PUBLISH_ACCEPTED_COPY);
    }

    @Test
    void cancelChosenAtConfirmReviewOrResolveTakesTheSameCancelPath() {
        toStagingAndCancelAt(Elements.CONFIRM_SELECTION);
        toStagingAndCancelAt(Elements.REVIEW_STAGED_COPY);
        toStagingAndCancelAt(Elements.RESOLVE_STAGING_PROBLEM);
    }

    /** A new instance that is cancelled at the given task: the cancel path, and nothing staged or published after. */
    private void toStagingAndCancelAt(String task) {
        cleanUp();
        start();
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(CT.get("seriesInstanceUid")), null);
        expandSelection();
        UserTask confirm = openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION);
        if (task.equals(Elements.CONFIRM_SELECTION)) {
            userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1"),
                    Variables.CANCEL_REQUEST, true, Variables.CANCEL_REASON, "not needed any more"));
        } else {
            userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1")));
            stageAll(1);
            boolean review = task.equals(Elements.REVIEW_STAGED_COPY);
            verify(review, review ? List.of() : List.of(CT));
            UserTask decide = openTask(task, review ? Forms.REVIEW_STAGED_COPY : Forms.RESOLVE_STAGING_PROBLEM);
            userTasks.complete(decide.key(), Map.of(review ? Variables.REVIEW_DECISION : Variables.RESOLVE_DECISION,
                    Decisions.CANCEL, Variables.CANCEL_REASON, "not needed any more"));
        }
        ActivatedJob clear = clearHolding(Elements.CLEAR_HOLDING_CANCELLED);
        assertThat(clear.getVariablesAsMap()).containsEntry(Variables.CANCEL_REASON, "not needed any more")
                .containsEntry(Variables.CANCELLED_BY, RESEARCHER);
        closeRequest(Elements.CLOSE_REQUEST_CANCELLED, RequestOutcome.CANCELLED);
        assertInstance().as("cancelled at %s", task).isCompleted().hasPassedElement(task)
                .hasPassedElement(Elements.END_REQUEST_CANCELLED).hasNotPassedElement(Elements.PUBLISH_ACCEPTED_COPY)
                .hasNotPassedElement(Elements.CLEAR_HOLDING_ABORTED);
    }

    @Test
    void theCancelMessageInterruptsStagingAndTakesTheCancelPath() {
        toStaging(List.of("1.2.3.1", "1.2.3.2"));
        // Two stage-series jobs are waiting for a worker (staging can take half an hour).
        assertInstance().isWaitingAtElements(Elements.STAGE_SERIES);
        client.newPublishMessageCommand().messageName(ProcessDefinition.Messages.CANCEL_REQUEST)
                .correlationKey(Long.toString(instance)).variables(Map.of(Variables.CANCEL_REASON, "too slow",
                        Variables.CANCELLED_BY, "coordinator")).send().join();

        ActivatedJob clear = clearHolding(Elements.CLEAR_HOLDING_CANCELLED);
        assertThat(clear.getVariablesAsMap()).containsEntry(Variables.CANCEL_REASON, "too slow")
                .containsEntry(Variables.CANCELLED_BY, "coordinator")
                .containsEntry(Variables.CANCEL_REQUESTED, true);
        closeRequest(Elements.CLOSE_REQUEST_CANCELLED, RequestOutcome.CANCELLED);
        assertInstance().isCompleted().hasPassedElementsInOrder(Elements.CANCEL_REQUESTED,
                Elements.CLEAR_HOLDING_CANCELLED, Elements.CLOSE_REQUEST_CANCELLED, Elements.END_REQUEST_CANCELLED)
                .hasNotPassedElement(Elements.VERIFY_STAGED_COPY).hasNotPassedElement(Elements.REQUEST_DECISION);
        // The interrupted staging left no job behind for a worker to pick up.
        assertThat(client.newActivateJobsCommand().jobType(JobTypes.STAGE_SERIES).maxJobsToActivate(5)
                .requestTimeout(Duration.ofMillis(200)).send().join().getJobs()).isEmpty();
    }

    @Test
    void theReviewIsOfferedToTheCandidatesVerifyNamesAndTheReviewerWhoCancelsIsRecordedAsSuch() {
        toStaging(List.of("1.2.3.1"));
        stageAll(1);
        jobs.complete(JobTypes.VERIFY, Map.of(Variables.VERIFIED, true,
                Variables.VERIFICATION_REPORT, List.of(Map.of("seriesInstanceUid", "2.25.1", "result", "OK")),
                Variables.FAILED_SERIES, List.of(), Variables.STAGING_PROBLEMS, List.of(),
                Variables.REVIEW_CANDIDATES, List.of("admin", "coordinator"), Variables.FOUR_EYES, true));
        UserTask review = openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY);
        assertThat(review.assignee()).as("offered, not assigned").isNull();
        assertThat(review.candidateUsers()).containsExactly("admin", "coordinator");

        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.CANCEL,
                Variables.CANCEL_REASON, "wrong plan", Variables.REVIEWED_BY, "coordinator"));
        ActivatedJob clear = clearHolding(Elements.CLEAR_HOLDING_CANCELLED);
        assertThat(clear.getVariablesAsMap()).containsEntry(Variables.CANCEL_REASON, "wrong plan")
                .containsEntry(Variables.CANCELLED_BY, "coordinator");
        closeRequest(Elements.CLOSE_REQUEST_CANCELLED, RequestOutcome.CANCELLED);
        assertInstance().isCompleted().hasPassedElement(Elements.CANCEL_CHOSEN_AT_REVIEW)
                .hasNotPassedElement(Elements.PUBLISH_ACCEPTED_COPY);
    }

    @Test
    void withoutCandidatesFromVerifyTheReviewIsOfferedToTheRequester() {
        toStaging(List.of("1.2.3.1"));
        stageAll(1);
        verify(true, List.of());
        UserTask review = openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY);
        assertThat(review.candidateUsers()).containsExactly(RESEARCHER);
        assertThat(review.assignee()).isNull();
    }

    @Test
    void sentBackAtReviewReturnsToPickingWithTheReviewersComment() {
        toStaging(List.of("1.2.3.1"));
        stageAll(1);
        verify(true, List.of());
        userTasks.complete(openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY).key(),
                Map.of(Variables.REVIEW_DECISION, Decisions.SEND_BACK, Variables.REVIEW_COMMENT, "plan missing"));
        assertThat(userTasks.open(instance)).as("picking waits until the holding copy is emptied").isEmpty();
        clearHolding(Elements.CLEAR_HOLDING_SENT_BACK);

        UserTask pick = openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        assertThat(pick.variables().get(Variables.PICK_SERIES_NOTICE)).isEqualTo("Sent back at review: plan missing");
        assertThat(pick.variables().get(Variables.PICKED_SERIES_UIDS)).as("previous picks pre-filled")
                .isEqualTo(List.of("1.2.3.1"));
        assertInstance().isActive().hasNotPassedElement(Elements.END_ACCEPTED)
                .hasNotPassedElement(Elements.PUBLISH_ACCEPTED_COPY);
        assertRequestStaysOpen();
    }

    @Test
    void editOnTheLookupSkipsActivateStudyAndSelectPatientAndAFormCannotChangeThemLater() {
        client.newCancelInstanceCommand(instance).send().join();
        instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, RESEARCHER, Variables.STUDY_ID, "HNC",
                        Variables.SELECTED_SUBJECT_IDS, List.of("HNC-001"),
                        Variables.STUDY0_STUDY_INSTANCE_UID, "1.2.3", Variables.STAGING_REQUEST_ID, 7))
                .send().join().getProcessInstanceKey();
        jobs = new TestJobs(client, instance);
        assertThat(userTasks.open(instance)).as("no Activate study").isEmpty();
        jobs.complete(JobTypes.CHECK_ACCESS, Map.of(Variables.STUDY_NAME, "Head and neck cohort",
                Variables.ENROLLED_SUBJECTS, List.of(option("HNC-001", "HNC-001 (site A)")),
                Variables.CANCEL_KEY, Long.toString(instance)));
        ActivatedJob query = jobs.complete(JobTypes.QUERY_STUDY0, Map.of(
                Variables.SERIES_TABLE, List.of(CT),
                Variables.SERIES_OPTIONS, List.of(option("1.2.3.1", "CT")), Variables.RT_TREE, List.of()));
        assertThat(query.getVariablesAsMap()).containsEntry(Variables.SELECTED_SUBJECT_IDS, List.of("HNC-001"))
                .containsEntry(Variables.STAGING_REQUEST_ID, 7);

        // A forged submission tries to move the process to another study and subject: the values stay local to the
        // task (its output mappings name what leaves it), and the next job still sees the fixed ones.
        UserTask pick = openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of("1.2.3.1"),
                Variables.STUDY_ID, "OTHER", Variables.SELECTED_SUBJECT_IDS, List.of("HNC-002"),
                Variables.STUDY0_STUDY_INSTANCE_UID, "9.9.9", Variables.STAGING_REQUEST_ID, 8));
        ActivatedJob expand = jobs.complete(JobTypes.EXPAND_SELECTION, Map.of(
                Variables.EXPANDED_SELECTION, List.of(CT), Variables.SELECTION_OPTIONS, List.of(),
                Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1"), Variables.SELECTION_WARNINGS, ""));
        assertThat(expand.getVariablesAsMap()).containsEntry(Variables.STUDY_ID, "HNC")
                .containsEntry(Variables.SELECTED_SUBJECT_IDS, List.of("HNC-001"))
                .containsEntry(Variables.STUDY0_STUDY_INSTANCE_UID, "1.2.3")
                .containsEntry(Variables.STAGING_REQUEST_ID, 7);

        assertInstance().hasPassedElementsInOrder(Elements.STARTED_FROM_LOOKUP, Elements.CHECK_STUDY_ACCESS,
                        Elements.SUBJECT_CHOSEN, Elements.QUERY_STUDY0, Elements.PICK_SERIES)
                .hasNotPassedElement(Elements.ACTIVATE_STUDY).hasNotPassedElement(Elements.SELECT_PATIENT);
    }

    @Test
    void reviewerIsRemindedAfterTwoDaysAndTheReviewStaysOpen() throws Exception {
        toStaging(List.of("1.2.3.1"));
        stageAll(1);
        verify(true, List.of());
        openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY);

        engine.increaseTime(Duration.ofDays(2).plusMinutes(1));
        jobs.complete(JobTypes.REMIND_REVIEWER, Map.of());
        engine.waitForIdleState(Duration.ofSeconds(10));

        assertInstance().hasPassedElement(Elements.REVIEW_REMINDER).hasPassedElement(Elements.REMIND_REVIEWER)
                .hasPassedElement(Elements.END_REVIEWER_REMINDED).isWaitingAtElements(Elements.REVIEW_STAGED_COPY);
        openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY);
        assertRequestStaysOpen();
    }

    @Test
    void reminderDelayIsTakenFromTheProcessVariable() {
        client.newSetVariablesCommand(instance).variables(Map.of(Variables.REVIEW_REMINDER_AFTER, "PT1H")).send()
                .join();
        toStaging(List.of("1.2.3.1"));
        stageAll(1);
        verify(true, List.of());
        openTask(Elements.REVIEW_STAGED_COPY, Forms.REVIEW_STAGED_COPY);

        engine.increaseTime(Duration.ofHours(1).plusMinutes(1));
        jobs.complete(JobTypes.REMIND_REVIEWER, Map.of());
        assertInstance().hasPassedElement(Elements.REMIND_REVIEWER)
                .isWaitingAtElements(Elements.REVIEW_STAGED_COPY);
    }

    @Test
    void bulkSearchSelectsSeveralPatients() {
        activateStudyAndPassAccessCheck();
        UserTask select = openTask(Elements.SELECT_PATIENT, Forms.SELECT_PATIENT);
        userTasks.complete(select.key(), Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.BULK,
                Variables.BULK_SEARCH_TEXT, "HNC-001, HNC-002",
                Variables.BULK_SUBJECT_IDS, List.of("HNC-001", "HNC-002")));

        assertInstance().hasVariableWithValue(Variables.SELECTED_SUBJECT_IDS, List.of("HNC-001", "HNC-002"));
        queryStudy0();
        openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
    }

    @Test
    void tasksCanBeClaimedAndGivenBack() {
        UserTask task = openTask(Elements.ACTIVATE_STUDY, Forms.ACTIVATE_STUDY);

        userTasks.unclaim(task.key());
        assertThat(userTasks.get(task.key()).orElseThrow().assignee()).isNull();
        userTasks.claim(task.key(), "bob");
        assertThat(userTasks.get(task.key()).orElseThrow().assignee()).isEqualTo("bob");
        assertThatThrownBy(() -> userTasks.claim(task.key(), "carol"))
                .isInstanceOf(UserTasks.RejectedException.class).hasMessageContaining("CLAIM");

        userTasks.complete(task.key(), Map.of(Variables.STUDY_ID, "HNC"));
        assertThat(userTasks.get(task.key())).isEmpty();
        assertThatThrownBy(() -> userTasks.complete(task.key(), Map.of()))
                .isInstanceOf(UserTasks.RejectedException.class);
    }

    // --- the researcher's steps and the workers' answers

    private void activateStudyAndPassAccessCheck() {
        userTasks.complete(openTask(Elements.ACTIVATE_STUDY, Forms.ACTIVATE_STUDY).key(),
                Map.of(Variables.STUDY_ID, "HNC", "someFormOnlyField", "ignored"));
        assertInstance().hasVariableWithValue(Variables.STUDY_ID, "HNC");
        jobs.complete(JobTypes.CHECK_ACCESS, Map.of(Variables.STUDY_NAME, "Head and neck cohort",
                Variables.ENROLLED_SUBJECTS, List.of(option("HNC-001", "HNC-001 (site A)")),
                Variables.CANCEL_KEY, Long.toString(instance)));
    }

    private void selectOnePatient() {
        UserTask select = openTask(Elements.SELECT_PATIENT, Forms.SELECT_PATIENT);
        assertThat(select.variables()).containsKey(Variables.ENROLLED_SUBJECTS);
        userTasks.complete(select.key(), Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT,
                Variables.SUBJECT_ID, "HNC-001"));
        assertInstance().hasVariableWithValue(Variables.SELECTED_SUBJECT_IDS, List.of("HNC-001"));
    }

    private void queryStudy0() {
        jobs.complete(JobTypes.QUERY_STUDY0, Map.of(
                Variables.SERIES_TABLE, List.of(CT, RTSTRUCT, RTPLAN),
                Variables.SERIES_OPTIONS, List.of(option("1.2.3.1", "CT Planning CT")),
                Variables.RT_TREE, List.of(Map.of("seriesInstanceUid", "1.2.3.3", "modality", "RTPLAN",
                        "depth", 0, "approvalStatus", "UNAPPROVED"))));
    }

    private void pickSeries(List<Object> fromTable, List<Object> fromRtView) {
        UserTask pick = openTask(Elements.PICK_SERIES, Forms.PICK_SERIES);
        assertThat(pick.variables()).containsKeys(Variables.SERIES_TABLE, Variables.RT_TREE);
        Map<String, Object> submitted = new HashMap<>();
        submitted.put(Variables.PICKED_SERIES_UIDS, fromTable);
        if (fromRtView != null) {
            submitted.put(Variables.PICKED_RT_SERIES_UIDS, fromRtView);
        }
        userTasks.complete(pick.key(), submitted);
    }

    private void expandSelection() {
        jobs.complete(JobTypes.EXPAND_SELECTION, Map.of(
                Variables.EXPANDED_SELECTION, List.of(CT, RTSTRUCT, RTPLAN),
                Variables.SELECTION_OPTIONS, List.of(option("1.2.3.1", "CT"), option("1.2.3.2", "RTSTRUCT"),
                        option("1.2.3.3", "RTPLAN [UNAPPROVED]")),
                Variables.CONFIRMED_SERIES_UIDS, List.of("1.2.3.1", "1.2.3.2", "1.2.3.3"),
                Variables.SELECTION_WARNINGS, "",
                Variables.CONFIRM_WARNINGS, List.of(
                        confirmWarning("1.2.3.3", null, "RTPLAN 'Plan A' is UNAPPROVED"),
                        confirmWarning("1.2.3.3", "1.2.3.2", PLAN_NEEDS_ROIS),
                        confirmWarning("1.2.3.2", "1.2.3.1", "RTSTRUCT 'ROIs' references CT series 'Planning CT',"
                                + " which will not be copied")),
                Variables.COPY_ANYWAY, false, Variables.DROPPED_REFERENCES, List.of()));
    }

    private static final String PLAN_NEEDS_ROIS = "RTPLAN 'Plan A' references structure set 'ROIs', which will not"
            + " be copied";

    private static Map<String, Object> confirmWarning(String series, String referenced, String warning) {
        Map<String, Object> row = new HashMap<>();
        row.put("seriesInstanceUid", series);
        row.put("referencedSeriesUid", referenced);
        row.put("warning", warning);
        return row;
    }

    private long jobCount(String type) {
        return client.newActivateJobsCommand().jobType(type).maxJobsToActivate(5).timeout(Duration.ofMillis(1))
                .requestTimeout(Duration.ofMillis(300)).send().join().getJobs().size();
    }

    private void toStaging(List<String> confirmed) {
        activateStudyAndPassAccessCheck();
        selectOnePatient();
        queryStudy0();
        pickSeries(List.of(CT.get("seriesInstanceUid")), null);
        expandSelection();
        userTasks.complete(openTask(Elements.CONFIRM_SELECTION, Forms.CONFIRM_SELECTION).key(),
                Map.of(Variables.CONFIRMED_SERIES_UIDS, confirmed));
    }

    private void stageAll(int expectedJobs) {
        jobs.completeEach(JobTypes.STAGE_SERIES, expectedJobs, job -> stagedAnswer(job.getVariablesAsMap()));
    }

    private static Map<String, Object> stagedAnswer(Map<String, Object> jobVariables) {
        @SuppressWarnings("unchecked")
        var series = (Map<String, Object>) jobVariables.get(Variables.SERIES);
        return Map.of(Variables.STAGING_RESULT, staged((String) series.get("seriesInstanceUid")));
    }

    private void verify(boolean verified, List<Map<String, Object>> failed) {
        jobs.complete(JobTypes.VERIFY, Map.of(Variables.VERIFIED, verified,
                Variables.VERIFICATION_REPORT, List.of(Map.of("seriesInstanceUid", "2.25.1", "result", "OK")),
                Variables.FAILED_SERIES, failed,
                Variables.STAGING_PROBLEMS, failed.stream()
                        .map(s -> Map.of("seriesInstanceUid", s.get("seriesInstanceUid"), "problem", "count mismatch"))
                        .toList()));
    }

    /**
     * Every end of the process is reached through a close-request task: the instance waits there until the worker
     * has closed the requests, with the outcome of that end.
     */
    private void closeRequest(String closeTask, RequestOutcome outcome) {
        ActivatedJob job = jobs.complete(JobTypes.CLOSE_REQUEST, Map.of(Variables.CLOSED_REQUEST_IDS, List.of(7)));
        assertThat(job.getElementId()).isEqualTo(closeTask);
        assertThat(job.getCustomHeaders()).containsEntry(Headers.REQUEST_OUTCOME, outcome.name());
        assertInstance().hasVariableWithValue(Variables.CLOSED_REQUEST_IDS, List.of(7));
    }

    private void publish() {
        ActivatedJob job = jobs.complete(JobTypes.PUBLISH, Map.of(Variables.PUBLICATION_REPORT,
                List.of(Map.of("seriesInstanceUid", "2.25.1", "result", "published"))));
        assertThat(job.getElementId()).isEqualTo(Elements.PUBLISH_ACCEPTED_COPY);
    }

    private ActivatedJob clearHolding(String clearTask) {
        ActivatedJob job = jobs.complete(JobTypes.CLEAR_HOLDING, Map.of("clearedSeries", 1));
        assertThat(job.getElementId()).isEqualTo(clearTask);
        return job;
    }

    /** Sent back or reminded, the review goes on: nothing may close the request meanwhile. */
    private void assertRequestStaysOpen() {
        assertInstance().isActive().hasNotPassedElement(Elements.CLOSE_REQUEST_ACCEPTED)
                .hasNotPassedElement(Elements.CLOSE_REQUEST_ABORTED);
        assertThat(client.newActivateJobsCommand().jobType(JobTypes.CLOSE_REQUEST).maxJobsToActivate(1)
                .requestTimeout(Duration.ofMillis(200)).send().join().getJobs()).isEmpty();
    }

    /** The one open task of this instance, checked to be the expected step with the expected form. */
    private UserTask openTask(String elementId, String formId) {
        List<UserTask> open = userTasks.open(instance);
        assertThat(open).extracting(UserTask::elementId).containsExactly(elementId);
        UserTask task = open.getFirst();
        assertThat(task.formId()).isEqualTo(formId);
        assertThat(task.bpmnProcessId()).isEqualTo(ProcessDefinition.PROCESS_ID);
        assertThat(task.name()).isNotBlank();
        return task;
    }

    private ProcessInstanceAssert assertInstance() {
        return ProcessInstances.assertThat(instance);
    }

    private static Map<String, Object> option(String value, String label) {
        return Map.of("value", value, "label", label);
    }

    private static Map<String, Object> series(String uid, String modality, String description) {
        return Map.of("seriesInstanceUid", uid, "studyInstanceUid", "1.2.3", "studySubjectId", "HNC-001",
                "modality", modality, "seriesDescription", description);
    }

    private static Map<String, Object> staged(String uid) {
        return Map.of("seriesInstanceUid", uid, "status", "STAGED");
    }
}
