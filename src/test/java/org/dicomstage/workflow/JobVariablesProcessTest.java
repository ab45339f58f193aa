package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.camunda.client.CamundaClient;
import io.camunda.client.annotation.JobWorker;
import io.camunda.client.api.response.ActivatedJob;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.assertions.BpmnAssert;
import io.camunda.zeebe.process.test.filters.RecordStream;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.intent.IncidentIntent;
import io.camunda.zeebe.protocol.record.intent.JobBatchIntent;
import io.camunda.zeebe.protocol.record.intent.JobIntent;
import io.camunda.zeebe.protocol.record.value.JobRecordValue;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.staging.GatedNodePermits;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.StudyService;
import org.dicomstage.testing.DemoRtPatientGenerator;
import org.dicomstage.testing.Poll;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.JobTypes;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * How the real workers take their jobs, on the in-memory engine with the application's own client settings: what
 * a job fetches, what the variables carry, that a long job does not hold up the others, and what a job handed out
 * twice costs.
 */
@PollingWorkers
@SpringBootTest(classes = DicomStageApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"camunda.client.worker.defaults.poll-interval=200ms",
                "camunda.client.worker.defaults.stream-enabled=false"})
@ContextConfiguration(initializers = {ZptEngineInitializer.class, TestArchives.class})
@Import({ZptHarnessConfiguration.class, DemoStudyData.class, GatedNodePermits.class})
class JobVariablesProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /**
     * 6 x 900,000 characters: each small enough for one command (the engine writes a value twice in one batch of
     * at most 4 MB), together more than one job may carry (4 MB).
     */
    private static final int UNRELATED_VARIABLES = 6;
    private static final int UNRELATED_CHARS = 900_000;

    @Autowired
    CamundaClient client;
    @Autowired
    ZeebeTestEngine engine;
    @Autowired
    UserTasks userTasks;
    @Autowired
    StudyService studies;
    @Autowired
    StageSeriesWorker secondInstancesWorker;
    @Autowired
    @Qualifier(TestArchives.DEMO_RT_PATIENT)
    DemoRtPatientGenerator.DemoRtPatient demoRt;

    private final List<Long> instances = new ArrayList<>();

    @BeforeEach
    void recordStream() {
        BpmnAssert.initRecordStream(RecordStream.of(engine.getRecordStreamSource()));
    }

    @AfterEach
    void cleanUp() {
        GatedNodePermits.open();
        for (long key : instances) {
            if (ProcessInstances.isActive(key)) {
                client.newCancelInstanceCommand(key).send().join();
                studies.closeRequestsOf(key, RequestOutcome.CANCELLED);
            }
        }
        BpmnAssert.resetRecordStream();
    }

    @Test
    void everyJobIsActivatedBesideMoreThanFourMegabytesOfOtherVariablesAndNoVariableCarriesAPidOrName() {
        long instance = start();
        // Another part of the organisation keeps its notes on the instance: 5.4 MB that no worker reads.
        for (int i = 1; i <= UNRELATED_VARIABLES; i++) {
            client.newSetVariablesCommand(instance).variables(Map.of("unrelatedNotes" + i,
                    "x".repeat(UNRELATED_CHARS))).send().join();
        }
        activateStudy(instance);
        // The generated RT patient: plan A from the RT view brings its dose, structure set and CT.
        selectSubject(instance, "HN-001");
        UserTask pick = awaitTask(instance, Elements.PICK_SERIES);
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_RT_SERIES_UIDS,
                List.of(demoRt.planA().seriesInstanceUID())));
        UserTask confirm = awaitTask(instance, Elements.CONFIRM_SELECTION);
        assertThat((List<?>) confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)).hasSize(4);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));
        UserTask review = awaitTask(instance, Elements.REVIEW_STAGED_COPY);
        assertThat(review.variables().get(Variables.VERIFIED)).isEqualTo(true);

        // At review every variable of the instance, in every scope, as the engine (and Operate) keeps it.
        Map<String, String> variables = variablesOf(instance);
        assertThat(variables).containsKeys(Variables.SERIES_TABLE, Variables.RT_TREE, Variables.EXPANDED_SELECTION,
                Variables.STAGING_RESULTS, Variables.VERIFICATION_REPORT).doesNotContainKey("availableSeries");
        List<String> pids = new ArrayList<>(IntStream.rangeClosed(1, 25).mapToObj(DemoStudyData::pid).toList());
        pids.add(DemoStudyData.RT_FIXTURE_PID);
        String familyName = demoRt.patientName().substring(0, demoRt.patientName().indexOf('^'));
        variables.forEach((name, value) -> assertThat(value).as("variable %s", name)
                .doesNotContain(pids).doesNotContain("patientId").doesNotContain(familyName));

        engine.increaseTime(Duration.ofDays(2).plusMinutes(1)); // the reviewer is reminded: one more job type
        await("the reminder", () -> jobs(instance, JobIntent.COMPLETED).stream()
                .anyMatch(j -> j.getValue().getType().equals(JobTypes.REMIND_REVIEWER)) ? true : null);
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        awaitEnd(instance);
        ProcessInstances.assertThat(instance).hasPassedElement(Elements.END_ACCEPTED).hasNoIncidents();

        // Every job the workers were handed carried exactly the variables its worker names, nothing else.
        List<JobRecordValue> handedOut = activatedJobs(instance);
        assertThat(handedOut).extracting(JobRecordValue::getType).containsAll(List.of(JobTypes.CHECK_ACCESS,
                JobTypes.QUERY_STUDY0, JobTypes.EXPAND_SELECTION, JobTypes.STAGE_SERIES, JobTypes.VERIFY,
                JobTypes.REMIND_REVIEWER, JobTypes.PUBLISH, JobTypes.CLOSE_REQUEST));
        for (JobRecordValue job : handedOut) {
            assertThat(job.getVariables().keySet()).as("variables of a %s job", job.getType())
                    .isSubsetOf(fetchVariables(job.getType()));
        }
    }

    @Test
    void aStagingJobThatRunsLongDoesNotHoldUpTheAccessCheckOfAnotherProcess() {
        long staging = atConfirm("HN-002");
        GatedNodePermits.close(); // staging now waits for its archive slots, as behind a busy archive
        confirmAll(staging);
        await("the stage-series job waiting for its archive", () -> GatedNodePermits.waiting() > 0 ? true : null);

        long other = start();
        activateStudy(other);
        UserTask select = awaitTask(other, Elements.SELECT_PATIENT, Duration.ofSeconds(30));
        assertThat(select.variables().get(Variables.STUDY_NAME)).asString().contains("head and neck");
        assertThat(GatedNodePermits.waiting()).as("the staging job is still running").isPositive();
        ProcessInstances.assertThat(staging).isWaitingAtElements(Elements.STAGE_SERIES);

        GatedNodePermits.open();
        assertThat(awaitTask(staging, Elements.REVIEW_STAGED_COPY).variables().get(Variables.VERIFIED))
                .isEqualTo(true);
    }

    @Test
    void aStagingJobHandedOutAgainWhileItsFirstWorkerRunsKeepsItsRetriesAndTheFirstWorkerCompletesIt() {
        long instance = atConfirm("HN-004");
        GatedNodePermits.close();
        confirmAll(instance);
        await("the first worker staging", () -> GatedNodePermits.waiting() > 0 ? true : null);
        long job = jobs(instance, JobIntent.CREATED).stream()
                .filter(j -> j.getValue().getType().equals(JobTypes.STAGE_SERIES)).findFirst().orElseThrow().getKey();

        // The first worker outlives the job's timeout, and the engine hands the job out again. A worker polls again
        // only once one of its jobs is done, so the second activation is another application instance's: the same
        // worker code, given the job by this client.
        engine.increaseTime(Duration.ofMillis(StageSeriesWorker.TIMEOUT_MILLIS).plusMinutes(1));
        await("the job's timeout", () -> intents(job).contains(JobIntent.TIMED_OUT) ? true : null);
        ActivatedJob again = Poll.until(WAIT, () -> client.newActivateJobsCommand().jobType(JobTypes.STAGE_SERIES)
                        .maxJobsToActivate(1).timeout(Duration.ofMillis(StageSeriesWorker.TIMEOUT_MILLIS))
                        .fetchVariables(Arrays.asList(fetchVariables(JobTypes.STAGE_SERIES).toArray(String[]::new)))
                        .send().join().getJobs().stream().findFirst().orElse(null),
                () -> "job " + job + " was not handed out again; its records: " + intents(job));
        assertThat(again.getKey()).isEqualTo(job);
        assertThat(again.getRetries()).isEqualTo(ProcessDefinition.STAGE_SERIES_RETRIES);
        secondInstancesWorker.handle(client, again, again.getVariablesAsType(StageSeriesWorker.Input.class));
        Poll.pause(1000); // a command the duplicate had sent would be on the record stream by now
        assertThat(intents(job)).as("the duplicate leaves the job alone").doesNotContain(JobIntent.FAILED,
                JobIntent.RETRIES_UPDATED, JobIntent.COMPLETED);

        GatedNodePermits.open();
        assertThat(awaitTask(instance, Elements.REVIEW_STAGED_COPY).variables().get(Variables.VERIFIED))
                .isEqualTo(true);
        Record<JobRecordValue> completed = jobs(instance, JobIntent.COMPLETED).stream()
                .filter(r -> r.getKey() == job).findFirst().orElseThrow();
        assertThat(completed.getValue().getRetries()).as("retries after the first worker completed the job")
                .isEqualTo(ProcessDefinition.STAGE_SERIES_RETRIES);
        assertThat(intents(job)).doesNotContain(JobIntent.FAILED);
        assertThat(incidents(instance)).isEmpty();
    }

    // --- driving the process as a researcher would

    private long start() {
        long key = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)).send().join()
                .getProcessInstanceKey();
        instances.add(key);
        return key;
    }

    private void activateStudy(long instance) {
        userTasks.complete(awaitTask(instance, Elements.ACTIVATE_STUDY).key(),
                Map.of(Variables.STUDY_ID, DemoStudyData.RT_HN_2026));
    }

    private void selectSubject(long instance, String studySubjectId) {
        userTasks.complete(awaitTask(instance, Elements.SELECT_PATIENT).key(), Map.of(Variables.SUBJECT_SELECTION_MODE,
                Decisions.ONE_SUBJECT, Variables.SUBJECT_ID, studySubjectId));
    }

    /** A new process for a subject with one series, that series picked: at Confirm selection. */
    private long atConfirm(String studySubjectId) {
        long instance = start();
        activateStudy(instance);
        selectSubject(instance, studySubjectId);
        UserTask pick = awaitTask(instance, Elements.PICK_SERIES);
        List<Map<String, Object>> table = rows(pick, Variables.SERIES_TABLE);
        assertThat(table).hasSize(1);
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS,
                List.of(table.getFirst().get(SeriesObjects.SERIES_UID))));
        awaitTask(instance, Elements.CONFIRM_SELECTION);
        return instance;
    }

    private void confirmAll(long instance) {
        UserTask confirm = awaitTask(instance, Elements.CONFIRM_SELECTION);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));
    }

    private UserTask awaitTask(long instance, String elementId) {
        return awaitTask(instance, elementId, WAIT);
    }

    private UserTask awaitTask(long instance, String elementId, Duration within) {
        return Poll.until(within, () -> userTasks.open(instance).stream()
                        .filter(t -> t.elementId().equals(elementId)).findFirst().orElse(null),
                () -> "no task " + elementId + " within " + within + "; open tasks: " + userTasks.open(instance)
                        .stream().map(UserTask::elementId).toList() + "; incidents: " + incidents(instance));
    }

    private void awaitEnd(long instance) {
        await("the end of instance " + instance, () -> ProcessInstances.isActive(instance) ? null : true);
    }

    private <T> T await(String what, Supplier<T> probe) {
        return Poll.until(WAIT, probe, () -> "no " + what + " within " + WAIT);
    }

    // --- what the engine recorded

    /** The latest value of every variable of the instance, by scope and name, as JSON. */
    private Map<String, String> variablesOf(long instance) {
        Map<String, String> values = new LinkedHashMap<>();
        RecordStream.of(engine.getRecordStreamSource()).variableRecords().forEach(r -> {
            if (r.getValue().getProcessInstanceKey() == instance) {
                String name = r.getValue().getName();
                values.put(r.getValue().getScopeKey() == instance ? name : name + "@" + r.getValue().getScopeKey(),
                        r.getValue().getValue());
            }
        });
        return values;
    }

    private List<JobRecordValue> activatedJobs(long instance) {
        List<JobRecordValue> jobs = new ArrayList<>();
        RecordStream.of(engine.getRecordStreamSource()).jobBatchRecords().forEach(r -> {
            if (r.getIntent() == JobBatchIntent.ACTIVATED) {
                r.getValue().getJobs().stream().filter(j -> j.getProcessInstanceKey() == instance).forEach(jobs::add);
            }
        });
        return jobs;
    }

    private List<Record<JobRecordValue>> jobs(long instance, JobIntent intent) {
        List<Record<JobRecordValue>> found = new ArrayList<>();
        RecordStream.of(engine.getRecordStreamSource()).jobRecords().forEach(r -> {
            if (r.getIntent() == intent && r.getValue().getProcessInstanceKey() == instance) {
                found.add(r);
            }
        });
        return found;
    }

    private List<JobIntent> intents(long jobKey) {
        List<JobIntent> found = new ArrayList<>();
        RecordStream.of(engine.getRecordStreamSource()).jobRecords().forEach(r -> {
            if (r.getKey() == jobKey) {
                found.add((JobIntent) r.getIntent());
            }
        });
        return found;
    }

    private List<String> incidents(long instance) {
        List<String> found = new ArrayList<>();
        RecordStream.of(engine.getRecordStreamSource()).incidentRecords().forEach(r -> {
            if (r.getIntent() == IncidentIntent.CREATED && r.getValue().getProcessInstanceKey() == instance) {
                found.add(r.getValue().getErrorType() + ": " + r.getValue().getErrorMessage());
            }
        });
        return found;
    }

    private static Set<String> fetchVariables(String jobType) {
        Map<String, Set<String>> byType = new HashMap<>();
        for (Class<?> worker : JobWorkerVariablesTest.WORKERS) {
            Arrays.stream(worker.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(JobWorker.class))
                    .map(m -> m.getAnnotation(JobWorker.class))
                    .forEach(a -> byType.put(a.type(), Set.of(a.fetchVariables())));
        }
        return byType.get(jobType);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(UserTask task, String variable) {
        return (List<Map<String, Object>>) task.variables().get(variable);
    }
}
