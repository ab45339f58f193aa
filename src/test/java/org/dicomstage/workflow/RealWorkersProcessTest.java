package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import io.camunda.client.CamundaClient;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import io.camunda.zeebe.process.test.assertions.BpmnAssert;
import io.camunda.zeebe.process.test.filters.RecordStream;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.intent.IncidentIntent;
import io.camunda.zeebe.protocol.record.value.IncidentRecordValue;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.AuditActions;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.study.NewStagingRequest;
import org.dicomstage.study.RequestOutcome;
import org.dicomstage.study.SeriesStatus;
import org.dicomstage.study.StagingRequestView;
import org.dicomstage.study.StagingSeriesView;
import org.dicomstage.study.StudyService;
import org.dicomstage.staging.GatedNodePermits;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.DemoRtPatientGenerator;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
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
 * The process with the real job workers against two real DIMSE archives on loopback (see {@link TestArchives}),
 * the demo studies in H2, and the in-memory engine. Each test is one path a researcher can take, asserted on what
 * they notice: the open task and its data, where the instance ends, what the project archive holds.
 */
@PollingWorkers
@SpringBootTest(classes = DicomStageApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"camunda.client.worker.defaults.poll-interval=200ms",
                "camunda.client.worker.defaults.stream-enabled=false"})
@ContextConfiguration(initializers = {ZptEngineInitializer.class, TestArchives.class})
@Import({ZptHarnessConfiguration.class, DemoStudyData.class, GatedNodePermits.class})
class RealWorkersProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Autowired
    CamundaClient client;
    @Autowired
    ZeebeTestEngine engine;
    @Autowired
    UserTasks userTasks;
    @Autowired
    StudyService studies;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Autowired
    @Qualifier(TestArchives.STUDY0_BEAN)
    EmbeddedArchive study0;
    @Autowired
    @Qualifier(TestArchives.PROJECT_BEAN)
    EmbeddedArchive project;
    @Autowired
    org.dicomstage.dicom.DicomNodeRegistry nodes;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;
    @Autowired
    @Qualifier(TestArchives.DEMO_RT_PATIENT)
    DemoRtPatientGenerator.DemoRtPatient demoRt;
    @Autowired
    @Qualifier(TestArchives.CORRUPTIBLE_A)
    CtSeriesGenerator.Series corruptibleA;
    @Autowired
    @Qualifier(TestArchives.CORRUPTIBLE_B)
    CtSeriesGenerator.Series corruptibleB;

    private long instance;
    /** Instances a test started besides the current one. */
    private final List<Long> started = new ArrayList<>();

    @BeforeEach
    void recordStream() {
        BpmnAssert.initRecordStream(RecordStream.of(engine.getRecordStreamSource()));
    }

    @AfterEach
    void cleanUp() {
        GatedNodePermits.open(); // a test that failed with the gate closed must not hold up the next one
        study0.start(); // a test that stopped it and failed must not break the next one
        started.add(instance);
        for (long key : started) {
            if (key != 0 && ProcessInstances.isActive(key)) {
                client.newCancelInstanceCommand(key).send().join();
                // What Edit does when it finds a process cancelled in the engine: otherwise the request stays open
                // and the next test's process finds that subject's study busy.
                studies.closeRequestsOf(key, RequestOutcome.CANCELLED);
            }
        }
        started.clear();
        BpmnAssert.resetRecordStream();
    }

    @Test
    void happyPathStagesTheRtSetAndTheProjectArchiveHoldsAPseudonymizedCopyWithWorkingReferences() throws Exception {
        start(DemoStudyData.RESEARCHER);
        activate(DemoStudyData.RT_HN_2026);
        UserTask select = awaitTask(Elements.SELECT_PATIENT);
        assertThat(select.variables().get(Variables.STUDY_NAME)).asString().contains("head and neck");
        assertThat(options(select, Variables.ENROLLED_SUBJECTS)).contains(DemoStudyData.RT_FIXTURE_SUBJECT_ID,
                "HN-001", "HN-025");
        selectSubject(select, DemoStudyData.RT_FIXTURE_SUBJECT_ID);

        UserTask pick = awaitTask(Elements.PICK_SERIES);
        List<Map<String, Object>> table = rows(pick, Variables.SERIES_TABLE);
        assertThat(table).extracting(r -> r.get("modality")).containsExactlyInAnyOrder("CT", "RTSTRUCT", "RTPLAN",
                "RTDOSE");
        assertThat(table).allSatisfy(r -> assertThat(r.get("inProject")).isEqualTo("No"));
        // The fixture's RT series have no description; the table names them as the RT tree does.
        assertThat(table).filteredOn(r -> "RTSTRUCT".equals(r.get("modality")))
                .extracting(r -> r.get("seriesDescription")).containsExactly("STRCTRLABEL");
        assertThat(table).filteredOn(r -> "RTPLAN".equals(r.get("modality")))
                .extracting(r -> r.get("seriesDescription")).containsExactly("APlan1");
        List<Map<String, Object>> tree = rows(pick, Variables.RT_TREE);
        assertThat(tree).extracting(r -> r.get("modality")).containsExactly("CT", "RTSTRUCT", "RTPLAN", "RTDOSE");
        assertThat(tree.get(2).get("approvalStatus")).isEqualTo("UNAPPROVED");
        String ctUid = (String) tree.getFirst().get("seriesInstanceUid");
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_RT_SERIES_UIDS, List.of(ctUid)));

        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        assertThat((List<?>) confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)).hasSize(4);
        assertThat(warnings(confirm)).contains("RTPLAN 'APlan1' is UNAPPROVED");
        assertThat(rows(confirm, Variables.EXPANDED_SELECTION)).filteredOn(r -> r.get("addedBecause") != null)
                .hasSize(3);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));

        UserTask review = awaitTask(Elements.REVIEW_STAGED_COPY);
        assertThat(review.variables().get(Variables.VERIFIED)).isEqualTo(true);
        List<Map<String, Object>> report = rows(review, Variables.VERIFICATION_REPORT);
        assertThat(report).hasSize(4).allSatisfy(r -> assertThat((String) r.get("result")).startsWith("OK"));
        // The checks in words, and a reference that does not resolve is said there exactly when it is warned of.
        assertThat(report).allSatisfy(r -> assertThat((String) r.get("checks"))
                .containsPattern("^(all \\d+ instances arrived|the 1 instance arrived); no source identifier found; "));
        assertThat(report).allSatisfy(r -> assertThat(((String) r.get("checks")).matches(".*(not resolve|none resolves)$"))
                .isEqualTo(((String) r.get("result")).contains("dangling reference")));
        assertThat(report).filteredOn(r -> String.valueOf(r.get("seriesDescription")).startsWith("CT"))
                .singleElement().extracting(r -> (String) r.get("checks")).asString()
                .startsWith("all 5 instances arrived; no source identifier found; pixel data identical in 5 of 5; ");
        assertThat(report).filteredOn(r -> String.valueOf(r.get("seriesDescription")).startsWith("RTSTRUCT"))
                .singleElement().extracting(r -> (String) r.get("checks")).asString()
                .containsPattern("; no pixel data to compare; \\d+ references checked, all resolve$");
        assertThat(review.candidateUsers()).as("four eyes is off: every reviewer, the requester too")
                .containsExactly(DemoStudyData.ADMIN, DemoStudyData.COORDINATOR, DemoStudyData.RESEARCHER);
        // Verified and under review, the copy is held: nothing of it is in the project archive yet.
        assertThat(headersOfPatient(holding().storageDirectory(), DemoStudyData.RT_FIXTURE_SUBJECT_ID)).hasSize(8);
        assertThat(projectHeadersOfPatient(DemoStudyData.RT_FIXTURE_SUBJECT_ID)).isEmpty();

        // Nobody reviews for two days: the reviewer is reminded (audit + log; there is no mail server).
        engine.increaseTime(Duration.ofDays(2).plusMinutes(1));
        org.dicomstage.study.AuditEventView reminded = await("reminder", () -> studies.auditForStudy(
                DemoStudyData.RT_HN_2026, 0, 50).events().stream()
                .filter(e -> e.action().equals(RemindReviewerWorker.REVIEWER_REMINDED)
                        && e.detail().contains(Long.toString(instance))).findFirst().orElse(null));
        assertThat(reminded.detail()).endsWith("offered to admin, coordinator, researcher");
        assertThat(awaitTask(Elements.REVIEW_STAGED_COPY).key()).isEqualTo(review.key());
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        awaitCompleted();
        assertInstance().hasPassedElement(Elements.END_ACCEPTED).hasNoIncidents();

        // The project archive: 5 CT + RTSTRUCT + RTPLAN + RTDOSE, no trace of the PID, references resolve; the
        // holding copy is gone.
        List<AttributeList> copies = projectHeadersOfPatient(DemoStudyData.RT_FIXTURE_SUBJECT_ID);
        assertThat(copies).hasSize(8);
        assertThat(headersOfPatient(holding().storageDirectory(), DemoStudyData.RT_FIXTURE_SUBJECT_ID)).isEmpty();
        Map<String, Set<String>> sopsByModality = new java.util.HashMap<>();
        Map<String, Set<String>> referencesByModality = new java.util.HashMap<>();
        for (AttributeList copy : copies) {
            String modality = Attribute.getSingleStringValueOrEmptyString(copy, TagFromName.Modality);
            sopsByModality.computeIfAbsent(modality, m -> new HashSet<>())
                    .add(Attribute.getSingleStringValueOrEmptyString(copy, TagFromName.SOPInstanceUID));
            collectReferences(copy, referencesByModality.computeIfAbsent(modality, m -> new HashSet<>()));
            assertThat(copy.toString()).doesNotContain(DemoStudyData.RT_FIXTURE_PID);
            assertThat(Attribute.getSingleStringValueOrEmptyString(copy, TagFromName.PatientID)).startsWith("RT-");
            assertThat(Attribute.getSingleStringValueOrEmptyString(copy, TagFromName.ClinicalTrialProtocolID))
                    .isEqualTo("RT-HN-2026-P01");
        }
        // Dose -> plan -> structure set -> CT, all pointing at the copies (the fixture's structure set also
        // names CT slices that are not in the set; the verifier reports those as dangling).
        assertThat(referencesByModality.get("RTDOSE")).containsAll(sopsByModality.get("RTPLAN"));
        assertThat(referencesByModality.get("RTPLAN")).containsAll(sopsByModality.get("RTSTRUCT"));
        assertThat(referencesByModality.get("RTSTRUCT")).containsAll(sopsByModality.get("CT"));

        StagingRequestView request = requestOf(instance);
        assertThat(request.series()).hasSize(4).allSatisfy(s -> assertThat(s.status()).isEqualTo(SeriesStatus.PUBLISHED));
        assertThat(request.requestedBy()).isEqualTo(DemoStudyData.RESEARCHER);
        assertClosed(request, RequestOutcome.ACCEPTED);

        // Every data access and staging action is on the study's audit trail, as the researcher.
        List<org.dicomstage.study.AuditEventView> trail = studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 500)
                .events().stream().filter(e -> DemoStudyData.RT_FIXTURE_PID.equals(e.subjectPid())).toList();
        assertThat(trail).extracting(org.dicomstage.study.AuditEventView::action).contains("STAGING_REQUESTED",
                Study0Query.STUDY0_QUERIED, "RT_HEADERS_RETRIEVED", SeriesStaging.SERIES_STAGED,
                CopyVerification.SERIES_VERIFIED, HoldingArea.SERIES_PUBLISHED, AuditActions.STAGING_REQUEST_CLOSED);
        assertThat(trail).allSatisfy(e -> assertThat(e.username()).isEqualTo(DemoStudyData.RESEARCHER));

        assertThat(meters.get("dicomstage.staged.instances").tag("study", DemoStudyData.RT_HN_2026).counter()
                .count()).isGreaterThanOrEqualTo(8);
        assertThat(meters.get("dicomstage.staging.duration").tag("outcome", "staged").timer().count())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void untickingThePlanAtConfirmNamesTheDoseThatReferencesItAndStagesOnlyWithCopyAnyway() throws Exception {
        UserTask pick = pickSeriesOf(DemoStudyData.RT_FIXTURE_SUBJECT_ID);
        Map<Object, Object> uidOf = new java.util.HashMap<>();
        rows(pick, Variables.SERIES_TABLE).forEach(r -> uidOf.put(r.get("modality"), r.get("seriesInstanceUid")));
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(uidOf.get("RTDOSE"))));

        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        assertThat(warnings(confirm)).contains("RTPLAN 'APlan1' is UNAPPROVED",
                "RTDOSE 'Dose PLAN' references plan 'APlan1', which will not be copied",
                "RTPLAN 'APlan1' references structure set 'STRCTRLABEL', which will not be copied",
                "RTSTRUCT 'STRCTRLABEL' references CT series 'CTs from rtog conversion', which will not be copied")
                .allSatisfy(w -> assertThat(w).doesNotContainPattern("\\d+\\.\\d+\\.\\d+"));
        List<Object> withoutPlan = new ArrayList<>((List<?>) confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS));
        withoutPlan.remove(uidOf.get("RTPLAN"));
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, withoutPlan));

        // Back at Confirm before anything was staged, with the dropped reference in words.
        UserTask again = awaitTask(Elements.CONFIRM_SELECTION);
        assertThat(again.key()).isNotEqualTo(confirm.key());
        assertThat(again.variables().get(Variables.DROPPED_REFERENCES))
                .isEqualTo(List.of("RTDOSE 'Dose PLAN' references plan 'APlan1', which will not be copied"));
        assertThat(requestOf(instance).series()).allSatisfy(s -> assertThat(s.status()).isEqualTo(SeriesStatus.PENDING));
        assertThat(headersOfPatient(holding().storageDirectory(), DemoStudyData.RT_FIXTURE_SUBJECT_ID)).isEmpty();

        userTasks.complete(again.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, withoutPlan,
                Variables.COPY_ANYWAY, true));
        UserTask review = awaitTask(Elements.REVIEW_STAGED_COPY);
        List<Map<String, Object>> report = rows(review, Variables.VERIFICATION_REPORT);
        assertThat(report).hasSize(3).allSatisfy(r -> assertThat((String) r.get("result")).startsWith("OK"));
        assertThat(report).filteredOn(r -> "RTDOSE".equals(String.valueOf(r.get("seriesDescription")).split(" ")[0]))
                .singleElement().extracting(r -> (String) r.get("result")).asString()
                .contains("dangling reference: RTDOSE 'Dose PLAN' references RTPLAN 'APlan1', which is not in this"
                        + " copy").doesNotContainPattern("\\d+\\.\\d+\\.\\d+");
        // The checks count it: the plan the dose references is the one reference that does not resolve.
        assertThat(report).filteredOn(r -> "RTDOSE".equals(String.valueOf(r.get("seriesDescription")).split(" ")[0]))
                .singleElement().extracting(r -> (String) r.get("checks")).asString()
                .containsPattern("\\d+ references? checked, (1 does not resolve|it does not resolve)$");

        // Sent back, the holding copy is emptied: the other tests find this subject as they expect it.
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.SEND_BACK));
        awaitTask(Elements.PICK_SERIES);
        assertThat(headersOfPatient(holding().storageDirectory(), DemoStudyData.RT_FIXTURE_SUBJECT_ID)).isEmpty();
    }

    @Test
    void aSubjectNotEnrolledGoesBackToSelectPatientWithAMessageInsteadOfAnIncident() {
        start(DemoStudyData.RESEARCHER);
        activate(DemoStudyData.RT_HN_2026);
        // As a withdrawn subject, or a stale form, would send it.
        selectSubject(awaitTask(Elements.SELECT_PATIENT), "HN-999");

        UserTask again = await("Select patient again", () -> userTasks.open(instance).stream()
                .filter(t -> t.elementId().equals(Elements.SELECT_PATIENT))
                .filter(t -> t.variables().get(Variables.SELECT_PATIENT_NOTICE) != null).findFirst().orElse(null));
        assertThat(again.variables().get(Variables.SELECT_PATIENT_NOTICE))
                .isEqualTo("Subject HN-999 is no longer enrolled in RT-HN-2026. Choose another subject.");
        assertThat(incidents()).isEmpty();
        selectSubject(again, "HN-002");
        UserTask pick = awaitTask(Elements.PICK_SERIES);
        assertThat(rows(pick, Variables.SERIES_TABLE)).hasSize(1);
        assertInstance().hasPassedElement(Elements.SUBJECT_UNAVAILABLE).hasNoIncidents();
    }

    @Test
    void aSeriesRemovedFromStudy0AfterTheQueryGoesBackToPickingWithAFreshListAndAMessage() throws Exception {
        UserTask pick = pickSeriesOf("HN-002");
        Map<String, Object> row = rows(pick, Variables.SERIES_TABLE).getFirst();
        String series = (String) row.get("seriesInstanceUid");
        String study = (String) row.get("studyInstanceUid");
        Path backup = Files.createTempDirectory("dicomstage-series-");
        try (Stream<Path> files = Files.walk(study0.storageDirectory())) {
            for (Path f : files.filter(f -> f.getParent().getFileName().toString().equals(series)).toList()) {
                Files.copy(f, backup.resolve(f.getFileName()));
            }
        }
        try {
            assertThat(study0.deleteSeries(study, series)).isPositive();
            userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(series)));

            UserTask again = await("Pick series again", () -> userTasks.open(instance).stream()
                    .filter(t -> t.elementId().equals(Elements.PICK_SERIES) && t.key() != pick.key()).findFirst()
                    .orElse(null));
            assertThat((String) again.variables().get(Variables.PICK_SERIES_NOTICE))
                    .startsWith("The series " + row.get("modality") + " '" + row.get("seriesDescription")
                            + "' is no longer in Study0.");
            assertThat(rows(again, Variables.SERIES_TABLE)).as("queried again").isEmpty();
            assertInstance().hasPassedElement(Elements.SERIES_NOT_IN_STUDY0)
                    .hasPassedElement(Elements.QUERY_STUDY0, 2).hasNoIncidents();
        } finally {
            study0.importDirectory(backup);
            try (Stream<Path> files = Files.walk(backup)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    @Test
    void anOutsiderIsDeniedAndNoCopyIsMade() {
        start(DemoStudyData.OUTSIDER);
        activate(DemoStudyData.RT_HN_2026);
        awaitCompleted();
        assertInstance().hasPassedElement(Elements.END_ACCESS_DENIED).hasNotPassedElement(Elements.SELECT_PATIENT)
                .hasVariableWithValue(Variables.ACCESS_PROBLEM,
                        "User 'outsider' is not a member of study 'RT-HN-2026'")
                // Started without the lookup page and stopped before Study0 was queried: no request to close.
                .hasVariableWithValue(Variables.CLOSED_REQUEST_IDS, List.of());
    }

    @Test
    void editOnTheLookupGoesStraightToPickingThatStudyAndAnotherProcessFindsItBusyInsteadOfTakingItOver() {
        long request = startAsEdit(DemoStudyData.RESEARCHER, DemoStudyData.pid(3), corruptibleA.studyInstanceUid());
        long editInstance = instance;
        started.add(editInstance);
        UserTask pick = awaitTask(Elements.PICK_SERIES);
        assertThat(rows(pick, Variables.SERIES_TABLE)).extracting(r -> r.get("seriesInstanceUid"))
                .containsExactly(corruptibleA.seriesInstanceUid());
        assertInstance().hasPassedElement(Elements.STARTED_FROM_LOOKUP).hasPassedElement(Elements.SUBJECT_CHOSEN)
                .hasNotPassedElement(Elements.ACTIVATE_STUDY).hasNotPassedElement(Elements.SELECT_PATIENT);
        assertThat(studies.stagingRequest(request).processInstanceKey()).isEqualTo(editInstance);

        // Started from Tasklist for the same subject: the study Edit works on is busy, the other one is offered.
        UserTask other = pickSeriesOf("HN-003");
        assertThat(rows(other, Variables.SERIES_TABLE)).extracting(r -> r.get("seriesInstanceUid"))
                .containsExactly(corruptibleB.seriesInstanceUid());
        assertThat(rows(other, Variables.BUSY_STUDIES)).singleElement().satisfies(b -> {
            assertThat(b.get("studyInstanceUid")).isEqualTo(corruptibleA.studyInstanceUid());
            assertThat(((Number) b.get("stagingRequestId")).longValue()).isEqualTo(request);
            assertThat(b.get("link")).isEqualTo("/requests.html?request=" + request);
        });
        assertThat((String) other.variables().get(Variables.BUSY_STUDIES_NOTICE)).contains("busy in request #"
                + request, "/requests.html?request=" + request);
        assertThat(studies.stagingRequest(request).processInstanceKey()).as("not taken over").isEqualTo(editInstance);
    }

    @Test
    void aUserWithoutAccessStartedFromTheLookupIsDeniedAndTheRequestIsClosed() {
        long request = startAsEdit(DemoStudyData.OUTSIDER, DemoStudyData.pid(4), "1.2.826.0.1.3680043.10.9.99.4");
        awaitCompleted();
        assertInstance().hasPassedElement(Elements.END_ACCESS_DENIED).hasNotPassedElement(Elements.ACTIVATE_STUDY);
        assertClosed(studies.stagingRequest(request), RequestOutcome.ACCESS_DENIED);
    }

    @Test
    void pickingNothingSendsTheResearcherBackWithANotice() {
        UserTask pick = pickSeriesOf("HN-002");
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of()));

        UserTask again = awaitTask(Elements.PICK_SERIES);
        assertThat(again.key()).isNotEqualTo(pick.key());
        assertThat(again.variables().get(Variables.PICK_SERIES_NOTICE))
                .isEqualTo("Nothing was selected. Pick at least one series.");
        userTasks.complete(again.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(onlySeries(again))));
        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        assertThat(confirm.variables().get(Variables.PICK_SERIES_NOTICE)).isNull();
        assertThat(rows(confirm, Variables.EXPANDED_SELECTION)).hasSize(1);
    }

    @Test
    void aDosePickedFromTheTableBringsThePlanStructureSetAndCtItReferencesAndFlagsTheUnapprovedPlan() {
        UserTask pick = pickSeriesOf("HN-001");
        assertThat(rows(pick, Variables.RT_TREE)).extracting(r -> r.get("approvalStatus")).contains("APPROVED",
                "UNAPPROVED");
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS,
                List.of(demoRt.doseB().seriesInstanceUID())));

        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        Map<Object, Object> because = new java.util.HashMap<>();
        rows(confirm, Variables.EXPANDED_SELECTION).forEach(r -> because.put(r.get("seriesInstanceUid"),
                String.valueOf(r.get("addedBecause"))));
        assertThat(because).containsOnlyKeys(demoRt.doseB().seriesInstanceUID(), demoRt.planB().seriesInstanceUID(),
                demoRt.rtStruct().seriesInstanceUID(), demoRt.ct().seriesInstanceUID());
        assertThat(because.get(demoRt.doseB().seriesInstanceUID())).isEqualTo("null");
        assertThat((String) because.get(demoRt.planB().seriesInstanceUID())).startsWith("referenced by RTDOSE");
        assertThat((String) because.get(demoRt.ct().seriesInstanceUID())).startsWith("referenced by RTSTRUCT");
        assertThat(warnings(confirm)).contains("RTPLAN 'PLAN_B' is UNAPPROVED");
        assertThat(options(confirm, Variables.SELECTION_OPTIONS)).hasSize(4);
    }

    @Test
    void aForgedSeriesSentWithAFormIsNotCopied() throws Exception {
        UserTask pick = pickSeriesOf("HN-002");
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(onlySeries(pick))));
        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        long filesBefore = projectFiles();

        // Another subject's series, dressed up as part of this request, sent along with the form.
        Map<String, Object> forged = new java.util.LinkedHashMap<>(rows(confirm, Variables.EXPANDED_SELECTION).getFirst());
        forged.put("seriesInstanceUid", corruptibleB.seriesInstanceUid());
        forged.put("studyInstanceUid", corruptibleB.studyInstanceUid());
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                List.of(corruptibleB.seriesInstanceUid()), Variables.EXPANDED_SELECTION, List.of(forged)));

        IncidentRecordValue incident = awaitIncident();
        assertThat(incident.getErrorMessage()).contains("rejected");
        assertThat(projectFiles()).isEqualTo(filesBefore);
        assertThat(requestOf(instance).series()).extracting(StagingSeriesView::seriesInstanceUid)
                .doesNotContain(corruptibleB.seriesInstanceUid());
    }

    @Test
    void study0DownRaisesAnIncidentNamingSeriesNodeAndCauseAndResolvingItFinishesTheCopy() {
        UserTask pick = pickSeriesOf("HN-002");
        String series = onlySeries(pick);
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(series)));
        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);

        study0.close();
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of(series)));
        IncidentRecordValue incident = awaitIncident();
        assertThat(incident.getErrorMessage()).contains("staging series CT", series, "node 'study0'",
                "no retries left");
        assertThat(incident.getElementId()).isEqualTo(Elements.STAGE_SERIES);
        StagingSeriesView row = requestOf(instance).series().getFirst();
        assertThat(row.status()).isEqualTo(SeriesStatus.FAILED);
        assertThat(row.failureReason()).contains("node 'study0'");

        assertThat(meters.get("dicomstage.staging.failures").tag("kind", "technical").counter().count())
                .isGreaterThanOrEqualTo(ProcessDefinition.STAGE_SERIES_RETRIES);

        study0.start();
        client.newUpdateRetriesCommand(incident.getJobKey()).retries(1).send().join();
        client.newResolveIncidentCommand(incidentKey(incident)).send().join();

        UserTask review = awaitTask(Elements.REVIEW_STAGED_COPY);
        assertThat(review.variables().get(Variables.VERIFIED)).isEqualTo(true);
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        awaitCompleted();
        assertInstance().hasPassedElement(Elements.END_ACCEPTED);
        assertThat(requestOf(instance).series().getFirst().status()).isEqualTo(SeriesStatus.PUBLISHED);
        assertClosed(requestOf(instance), RequestOutcome.ACCEPTED);
    }

    @Test
    void aCorruptObjectFailsItsSeriesOnlyAndARetryAfterRepairCompletes() throws Exception {
        withACorruptInstanceInSeriesA(repair -> {
            UserTask pick = pickSeriesOf("HN-003");
            List<String> both = List.of(corruptibleA.seriesInstanceUid(), corruptibleB.seriesInstanceUid());
            userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, both));
            UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
            userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, both));

            UserTask resolve = awaitTask(Elements.RESOLVE_STAGING_PROBLEM);
            List<Map<String, Object>> problems = rows(resolve, Variables.STAGING_PROBLEMS);
            assertThat(problems).singleElement().satisfies(p -> {
                assertThat(p.get("seriesInstanceUid")).isEqualTo(corruptibleA.seriesInstanceUid());
                assertThat((String) p.get("problem")).contains("staging failed").containsIgnoringCase("instance");
            });
            assertThat(rows(resolve, Variables.VERIFICATION_REPORT)).filteredOn(r -> "OK".equals(r.get("result")))
                    .hasSize(1);
            assertThat(statusOf(corruptibleB.seriesInstanceUid())).isEqualTo(SeriesStatus.VERIFIED);
            assertThat(statusOf(corruptibleA.seriesInstanceUid())).isEqualTo(SeriesStatus.FAILED);

            repair.run();
            userTasks.complete(resolve.key(), Map.of(Variables.RESOLVE_DECISION, Decisions.RETRY));
            UserTask review = awaitTask(Elements.REVIEW_STAGED_COPY);
            assertThat(rows(review, Variables.VERIFICATION_REPORT)).hasSize(2)
                    .allSatisfy(r -> assertThat(r.get("result")).isEqualTo("OK"));
            userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
            awaitCompleted();
            assertInstance().hasPassedElement(Elements.RESOLVE_STAGING_PROBLEM).hasPassedElement(Elements.END_ACCEPTED);
            assertClosed(requestOf(instance), RequestOutcome.ACCEPTED);
        });
    }

    @Test
    void abortingAfterAFailedSeriesClosesTheRequestAndStagingAgainStartsANewOne() throws Exception {
        withACorruptInstanceInSeriesA(repair -> {
            UserTask pick = pickSeriesOf("HN-003");
            userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS,
                    List.of(corruptibleA.seriesInstanceUid())));
            UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
            userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                    List.of(corruptibleA.seriesInstanceUid())));
            UserTask resolve = awaitTask(Elements.RESOLVE_STAGING_PROBLEM);
            long projectBefore = projectFiles();
            assertThat(headersOfPatient(holding().storageDirectory(), "HN-003")).as("the truncated series is held")
                    .isNotEmpty();
            userTasks.complete(resolve.key(), Map.of(Variables.RESOLVE_DECISION, Decisions.ABORT,
                    Variables.RESOLVE_COMMENT, "source file broken"));
            awaitCompleted();
            assertInstance().hasPassedElement(Elements.CLEAR_HOLDING_ABORTED)
                    .hasPassedElement(Elements.END_STAGING_ABORTED);
            assertThat(projectFiles()).as("nothing of the aborted request in the project archive")
                    .isEqualTo(projectBefore);
            assertThat(headersOfPatient(holding().storageDirectory(), "HN-003")).as("holding copy emptied").isEmpty();
        });
        // HN-003 has several Study0 studies, each with a request of this process: the one of the picked series.
        StagingRequestView aborted = studies.stagingRequests(DemoStudyData.ADMIN, DemoStudyData.RT_HN_2026).stream()
                .filter(r -> r.processInstanceKey() != null && r.processInstanceKey() == instance)
                .filter(r -> !r.series().isEmpty()).findFirst().orElseThrow();
        assertClosed(aborted, RequestOutcome.ABORTED);
        assertThat(aborted.series()).singleElement().extracting(StagingSeriesView::status)
                .isEqualTo(SeriesStatus.FAILED);

        // Staging the same Study0 study again is a new request; the aborted one keeps its record.
        long abortedInstance = instance;
        pickSeriesOf("HN-003");
        StagingRequestView again = studies.stagingRequests(DemoStudyData.ADMIN, DemoStudyData.RT_HN_2026).stream()
                .filter(r -> r.processInstanceKey() != null && r.processInstanceKey() == instance)
                .filter(r -> r.study0StudyInstanceUid().equals(aborted.study0StudyInstanceUid()))
                .findFirst().orElseThrow();
        assertThat(again.id()).isNotEqualTo(aborted.id());
        assertThat(again.closedAt()).isNull();
        assertThat(again.study0StudyInstanceUid()).isEqualTo(aborted.study0StudyInstanceUid());
        assertThat(studies.stagingRequest(aborted.id()).processInstanceKey()).isEqualTo(abortedInstance);
    }

    @Test
    void sentBackAtReviewTheResearcherPicksAgainAndStagingTheSameSeriesAgainAddsNothing() throws Exception {
        UserTask pick = pickSeriesOf("HN-001");
        String planA = demoRt.planA().seriesInstanceUID();
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_RT_SERIES_UIDS, List.of(planA)));
        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        // Plan A brings its dose (below it) and the structure set and CT it references (above it).
        assertThat(confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.LIST).containsExactlyInAnyOrder(planA,
                demoRt.doseA().seriesInstanceUID(), demoRt.rtStruct().seriesInstanceUID(),
                demoRt.ct().seriesInstanceUID());
        assertThat(confirm.variables().get(Variables.SELECTION_WARNINGS)).isEqualTo("");
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));

        UserTask review = awaitTask(Elements.REVIEW_STAGED_COPY);
        List<AttributeList> firstRound = headersOfPatient(holding().storageDirectory(), "HN-001");
        Set<String> firstUids = sopUids(firstRound);
        assertThat(firstUids).isNotEmpty();
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.SEND_BACK,
                Variables.REVIEW_COMMENT, "stage it again"));

        UserTask again = awaitTask(Elements.PICK_SERIES);
        // Sent back: the copy is nowhere, neither held nor in the project archive.
        assertThat(headersOfPatient(holding().storageDirectory(), "HN-001")).isEmpty();
        assertThat(projectHeadersOfPatient("HN-001")).isEmpty();
        assertThat(requestOf(instance).series()).allSatisfy(r -> assertThat(r.status()).isEqualTo(SeriesStatus.PENDING));
        assertThat(again.variables().get(Variables.PICK_SERIES_NOTICE)).isEqualTo("Sent back at review: stage it again");
        userTasks.complete(again.key(), Map.of(Variables.PICKED_RT_SERIES_UIDS, List.of(planA)));
        UserTask confirmAgain = awaitTask(Elements.CONFIRM_SELECTION);
        userTasks.complete(confirmAgain.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirmAgain.variables().get(Variables.CONFIRMED_SERIES_UIDS)));
        UserTask reviewAgain = awaitTask(Elements.REVIEW_STAGED_COPY);
        assertThat(reviewAgain.variables().get(Variables.VERIFIED)).isEqualTo(true);

        assertThat(sopUids(headersOfPatient(holding().storageDirectory(), "HN-001"))).as("same instances")
                .isEqualTo(firstUids);
        // Staged twice, recorded once: one record per series, one digest per instance the copy holds.
        long requestId = requestOf(instance).id();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM source_digest_set WHERE request_id = ?", Integer.class,
                requestId)).isEqualTo(4);
        assertThat(jdbc.queryForList("SELECT sop_instance_uid FROM source_instance_digest WHERE request_id = ?",
                String.class, requestId)).containsExactlyInAnyOrderElementsOf(firstUids);
        userTasks.complete(reviewAgain.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        awaitCompleted();
        // Exactly the accepted series, once: the same UIDs as the first round, no duplicates.
        assertThat(sopUids(projectHeadersOfPatient("HN-001"))).isEqualTo(firstUids);
        assertThat(projectHeadersOfPatient("HN-001")).hasSameSizeAs(firstRound);
        assertInstance().hasPassedElement(Elements.REVIEW_STAGED_COPY, 2).hasPassedElement(Elements.END_ACCEPTED);
        assertClosed(requestOf(instance), RequestOutcome.ACCEPTED);
    }

    /**
     * The holding node is an archive others can write to: a held instance changed after the copy was verified (here
     * the patient's real name put back) is not published on Accept. Publishing stops with an incident naming it;
     * once the held copy is the verified one again, retrying publishes the copy, once.
     */
    @Test
    void aHeldInstanceChangedAfterVerificationIsNotPublishedAndTheIncidentNamesIt() throws Exception {
        UserTask review = stageOnlySeriesOf("HN-004");
        assertThat(review.variables().get(Variables.VERIFIED)).isEqualTo(true);

        Path held = heldFilesOfPatient("HN-004").getFirst();
        String changedSop = Attribute.getSingleStringValueOrEmptyString(read(held), TagFromName.SOPInstanceUID);
        String heldSeries = Attribute.getSingleStringValueOrEmptyString(read(held), TagFromName.SeriesInstanceUID);
        Path verified = Files.createTempFile("dicomstage-verified-", ".dcm");
        Files.copy(held, verified, StandardCopyOption.REPLACE_EXISTING);
        try {
            org.dicomstage.testing.DicomFiles.rewrite(verified, held,
                    list -> org.dicomstage.testing.DicomFiles.set(list, "PatientName", "Tanaka^Yuki"));
            userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));

            IncidentRecordValue incident = awaitIncident();
            assertThat(incident.getElementId()).isEqualTo(Elements.PUBLISH_ACCEPTED_COPY);
            assertThat(incident.getErrorMessage()).contains("changed in the holding node '"
                    + DemoStudyData.HOLDING_NODE + "' since it was verified, not published: SOP instance "
                    + changedSop);
            assertThat(projectHeadersOfPatient("HN-004")).as("the changed instance is not in the project archive")
                    .noneMatch(h -> changedSop.equals(Attribute.getSingleStringValueOrEmptyString(h,
                            TagFromName.SOPInstanceUID)))
                    .noneMatch(h -> Attribute.getSingleStringValueOrEmptyString(h, TagFromName.PatientName)
                            .contains("Tanaka"));

            Files.copy(verified, held, StandardCopyOption.REPLACE_EXISTING);
            client.newUpdateRetriesCommand(incident.getJobKey()).retries(1).send().join();
            client.newResolveIncidentCommand(incidentKey(incident)).send().join();
            awaitCompleted();
        } finally {
            Files.delete(verified);
        }
        assertInstance().hasPassedElement(Elements.END_ACCEPTED);
        assertThat(projectHeadersOfPatient("HN-004")).hasSize(2).allSatisfy(h -> assertThat(
                Attribute.getSingleStringValueOrEmptyString(h, TagFromName.PatientName)).doesNotContain("Tanaka"));
        assertThat(studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 200).events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(HoldingArea.SERIES_PUBLISHED);
            assertThat(e.detail()).contains(heldSeries, "2 instance(s), UIDs and digests checked against the verified"
                    + " copy");
        });
        assertClosed(requestOf(instance), RequestOutcome.ACCEPTED);
    }

    /** The held copy's files of a subject in the holding node's storage, in a stable order. */
    private List<Path> heldFilesOfPatient(String studySubjectId) throws IOException {
        try (Stream<Path> files = Files.walk(holding().storageDirectory())) {
            List<Path> found = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".dcm")).sorted().toList()) {
                if (studySubjectId.equals(Attribute.getSingleStringValueOrEmptyString(read(file),
                        TagFromName.ClinicalTrialSubjectID))) {
                    found.add(file);
                }
            }
            return found;
        }
    }

    @Test
    void cancelChosenAtReviewEmptiesTheHoldingCopyAndClosesTheRequestAsCancelledWithTheReason() throws Exception {
        UserTask review = stageOnlySeriesOf("HN-002");
        assertThat(headersOfPatient(holding().storageDirectory(), "HN-002")).as("held for review").hasSize(3);
        long projectBefore = projectFiles();

        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.CANCEL,
                Variables.CANCEL_REASON, "picked the wrong subject"));
        awaitCompleted();

        assertInstance().hasPassedElementsInOrder(Elements.CANCEL_CHOSEN_AT_REVIEW, Elements.CLEAR_HOLDING_CANCELLED,
                Elements.CLOSE_REQUEST_CANCELLED, Elements.END_REQUEST_CANCELLED).hasNoIncidents()
                .hasNotPassedElement(Elements.PUBLISH_ACCEPTED_COPY);
        assertThat(headersOfPatient(holding().storageDirectory(), "HN-002")).as("holding copy emptied").isEmpty();
        assertThat(projectHeadersOfPatient("HN-002")).as("nothing in the project archive").isEmpty();
        assertThat(projectFiles()).isEqualTo(projectBefore);
        StagingRequestView request = requestOf(instance);
        assertClosed(request, RequestOutcome.CANCELLED);
        assertThat(studies.stagingRequest(request.id()).cancellation()).satisfies(c -> {
            assertThat(c.by()).isEqualTo(DemoStudyData.RESEARCHER);
            assertThat(c.reason()).isEqualTo("picked the wrong subject");
        });
        assertThat(studies.stagingRequest(request.id()).series())
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(SeriesStatus.PENDING));
        assertThat(studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 100).events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditActions.STAGING_REQUEST_CANCELLED);
            assertThat(e.username()).isEqualTo(DemoStudyData.RESEARCHER);
            assertThat(e.detail()).contains("request " + request.id(), "picked the wrong subject");
        });
    }

    /**
     * Cancel while a large series is being staged: the message interrupts the process, the stager stops at its next
     * progress report instead of copying the rest, and the cancel path waits for it before it empties the holding
     * node. Nothing of the request is left anywhere: holding node, project archive, work files.
     */
    @Test
    void theCancelMessageWhileASeriesIsStagingStopsTheStagerAndLeavesNothingOfTheRequest() throws Exception {
        Path dir = Files.createTempDirectory("dicomstage-test-large-");
        CtSeriesGenerator.Series large = CtSeriesGenerator.write(dir, 300, "Moreau^Lea", DemoStudyData.pid(5));
        study0.importDirectory(dir);
        try {
            UserTask pick = pickSeriesOf("HN-005");
            assertThat(onlySeries(pick)).isEqualTo(large.seriesInstanceUid());
            userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(large.seriesInstanceUid())));
            UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
            long projectBefore = projectFiles();
            // However fast this machine copies 300 instances, the cancel must come while the stager runs: it waits
            // for its archive slots behind a closed gate, its series already marked as staging.
            GatedNodePermits.close();
            userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                    List.of(large.seriesInstanceUid())));
            await("staging under way", () -> GatedNodePermits.waiting() > 0
                    && statusOf(large.seriesInstanceUid()) == SeriesStatus.STAGING ? true : null);

            // What the cancel button publishes (CancelController), as the coordinator.
            client.newPublishMessageCommand().messageName(ProcessDefinition.Messages.CANCEL_REQUEST)
                    .correlationKey(Long.toString(instance)).messageId("cancel-request-" + requestOf(instance).id())
                    .timeToLive(Duration.ofMinutes(2)).variables(Map.of(Variables.CANCEL_REASON, "taking too long",
                            Variables.CANCELLED_BY, DemoStudyData.COORDINATOR)).send().join();
            // The stager goes on once the cancel is on record: its first progress report (after 50 of the 300
            // instances) then stops it.
            await("the cancel on record", () -> requestOf(instance).cancellation() != null ? true : null);
            GatedNodePermits.open();
            awaitCompleted();

            assertInstance().hasPassedElementsInOrder(Elements.CANCEL_REQUESTED, Elements.CLEAR_HOLDING_CANCELLED,
                    Elements.CLOSE_REQUEST_CANCELLED, Elements.END_REQUEST_CANCELLED)
                    .hasNotPassedElement(Elements.VERIFY_STAGED_COPY).hasNoIncidents();
            // The stager stopped part-way: it never reported the series staged.
            assertThat(studies.auditForStudy(DemoStudyData.RT_HN_2026, 0, 200).events()).noneSatisfy(e -> {
                assertThat(e.action()).isEqualTo(SeriesStaging.SERIES_STAGED);
                assertThat(e.detail()).contains(large.seriesInstanceUid());
            });
            assertThat(headersOfPatient(holding().storageDirectory(), "HN-005")).as("holding copy emptied").isEmpty();
            assertThat(projectHeadersOfPatient("HN-005")).as("nothing in the project archive").isEmpty();
            assertThat(projectFiles()).isEqualTo(projectBefore);
            StagingRequestView request = requestOf(instance);
            assertClosed(request, RequestOutcome.CANCELLED);
            assertThat(request.cancellation().by()).isEqualTo(DemoStudyData.COORDINATOR);
            assertThat(request.cancellation().reason()).isEqualTo("taking too long");
            assertThat(request.series()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(SeriesStatus.PENDING);
                assertThat(r.stagedInstances()).isZero();
            });
            try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                // The review viewer's cache (-viewer-) is its own, bounded and emptied when the application stops.
                assertThat(tmp.map(f -> f.getFileName().toString())).as("un-pseudonymized work files of staging")
                        .noneMatch(n -> n.startsWith("dicomstage-stage-" + ProcessHandle.current().pid() + "-")
                                && !n.contains("-viewer-"));
            }
        } finally {
            study0.deleteSeries(large.studyInstanceUid(), large.seriesInstanceUid());
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    // --- the researcher's steps

    private void start(String user) {
        instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, user)).send().join().getProcessInstanceKey();
    }

    /**
     * As "Edit" on the lookup page does it: the request exists before the process, which is started with study,
     * subject and Study0 study fixed and then owns the request. Returns the request's id.
     */
    private long startAsEdit(String user, String pid, String study0Study) {
        long request = studies.createStagingRequest(new NewStagingRequest(DemoStudyData.RESEARCHER,
                DemoStudyData.RT_HN_2026, pid, study0Study));
        String subjectId = studies.studyForStaging(DemoStudyData.RT_HN_2026, pid).enrolment().studySubjectId();
        instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, user, Variables.STUDY_ID, DemoStudyData.RT_HN_2026,
                        Variables.SELECTED_SUBJECT_IDS, List.of(subjectId),
                        Variables.STUDY0_STUDY_INSTANCE_UID, study0Study, Variables.STAGING_REQUEST_ID, request))
                .send().join().getProcessInstanceKey();
        assertThat(studies.bindProcess(request, instance)).isTrue();
        assertThat(studies.findOpenRequest(DemoStudyData.RT_HN_2026, pid, study0Study)).as("Edit resumes it")
                .get().extracting(StagingRequestView::id).isEqualTo(request);
        return request;
    }

    private void activate(String study) {
        userTasks.complete(awaitTask(Elements.ACTIVATE_STUDY).key(), Map.of(Variables.STUDY_ID, study));
    }

    private void selectSubject(UserTask select, String studySubjectId) {
        userTasks.complete(select.key(), Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT,
                Variables.SUBJECT_ID, studySubjectId));
    }

    private static String onlySeries(UserTask pick) {
        List<Map<String, Object>> table = rows(pick, Variables.SERIES_TABLE);
        assertThat(table).hasSize(1);
        return (String) table.getFirst().get("seriesInstanceUid");
    }

    // --- waiting for the engine and the workers

    private UserTask awaitTask(String elementId) {
        return await("task " + elementId, () -> userTasks.open(instance).stream()
                .filter(t -> t.elementId().equals(elementId)).findFirst().orElse(null));
    }

    private void awaitCompleted() {
        await("instance completed", () -> {
            try {
                assertInstance().isCompleted();
                return true;
            } catch (AssertionError e) {
                return null;
            }
        });
    }

    private IncidentRecordValue awaitIncident() {
        return await("incident", () -> incidents().stream().findFirst().map(Record::getValue).orElse(null));
    }

    private List<Record<IncidentRecordValue>> incidents() {
        List<Record<IncidentRecordValue>> found = new ArrayList<>();
        for (Record<IncidentRecordValue> r : RecordStream.of(engine.getRecordStreamSource()).incidentRecords()) {
            if (r.getIntent() == IncidentIntent.CREATED && r.getValue().getProcessInstanceKey() == instance) {
                found.add(r);
            }
        }
        return found;
    }

    private long incidentKey(IncidentRecordValue value) {
        return incidents().stream().filter(r -> r.getValue().getJobKey() == value.getJobKey()).findFirst()
                .orElseThrow().getKey();
    }

    private <T> T await(String what, Supplier<T> probe) {
        return org.dicomstage.testing.Poll.until(WAIT, probe, () -> "no " + what + " within " + WAIT + "; open tasks: "
                + userTasks.open(instance).stream().map(t -> t.elementId() + (t.variables().containsKey(
                        Variables.STAGING_PROBLEMS) ? " " + t.variables().get(Variables.STAGING_PROBLEMS) : "")).toList()
                + "; incidents: "
                + incidents().stream().map(r -> r.getValue().getErrorMessage()).toList());
    }

    private io.camunda.zeebe.process.test.assertions.ProcessInstanceAssert assertInstance() {
        return ProcessInstances.assertThat(instance);
    }

    // --- the study package's record and the archives' content

    /**
     * What a user notices of a closed request: the requests page shows it closed, with how it ended, and Edit on
     * the same Study0 study no longer resumes it (findOpenRequest is what Edit asks).
     */
    private void assertClosed(StagingRequestView request, RequestOutcome outcome) {
        StagingRequestView listed = studies.stagingRequests(DemoStudyData.RESEARCHER, request.studyIdentifier())
                .stream().filter(r -> r.id() == request.id()).findFirst().orElseThrow();
        assertThat(listed.closedAt()).as("request %s closed", request.id()).isNotNull();
        assertThat(listed.outcome()).isEqualTo(outcome);
        assertThat(studies.findOpenRequest(request.studyIdentifier(), request.pid(),
                request.study0StudyInstanceUid())).map(StagingRequestView::id).isNotEqualTo(
                java.util.Optional.of(request.id()));
        // Every other request the process used (one per Study0 study of the subject) ended the same way.
        assertThat(studies.stagingRequests(DemoStudyData.ADMIN, request.studyIdentifier())).filteredOn(
                r -> r.processInstanceKey() != null && r.processInstanceKey() == instance)
                .isNotEmpty().allSatisfy(r -> assertThat(r.outcome()).isEqualTo(outcome));
    }

    private StagingRequestView requestOf(long processInstance) {
        return studies.stagingRequests(DemoStudyData.ADMIN, DemoStudyData.RT_HN_2026).stream()
                .filter(r -> r.processInstanceKey() != null && r.processInstanceKey() == processInstance).findFirst()
                .orElseThrow();
    }

    private SeriesStatus statusOf(String seriesUid) {
        return studies.stagingRequests(DemoStudyData.ADMIN, DemoStudyData.RT_HN_2026).stream()
                .filter(r -> r.processInstanceKey() != null && r.processInstanceKey() == instance)
                .flatMap(r -> r.series().stream()).filter(s -> s.seriesInstanceUid().equals(seriesUid))
                .findFirst().orElseThrow().status();
    }

    private EmbeddedArchive holding() {
        return nodes.archive(DemoStudyData.HOLDING_NODE).orElseThrow();
    }

    private List<AttributeList> projectHeadersOfPatient(String studySubjectId) throws IOException {
        return headersOfPatient(project.storageDirectory(), studySubjectId);
    }

    private static List<AttributeList> headersOfPatient(Path archive, String studySubjectId) throws IOException {
        List<AttributeList> found = new ArrayList<>();
        if (!Files.exists(archive)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".dcm")).toList()) {
                AttributeList list = read(file);
                // The copy's PatientID is a keyed pseudonym; the clinical trial subject ID names the subject.
                if (studySubjectId.equals(Attribute.getSingleStringValueOrEmptyString(list,
                        TagFromName.ClinicalTrialSubjectID))) {
                    found.add(list);
                }
            }
        }
        return found;
    }

    private long projectFiles() throws IOException {
        try (Stream<Path> files = Files.walk(project.storageDirectory())) {
            return files.filter(f -> f.toString().endsWith(".dcm")).count();
        }
    }

    /** Picks and confirms the subject's only series: the review of its copy is next. */
    private UserTask stageOnlySeriesOf(String studySubjectId) {
        UserTask pick = pickSeriesOf(studySubjectId);
        String series = onlySeries(pick);
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(series)));
        UserTask confirm = awaitTask(Elements.CONFIRM_SELECTION);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS, List.of(series)));
        return awaitTask(Elements.REVIEW_STAGED_COPY);
    }

    /** Starts as the researcher in RT-HN-2026 and selects the subject: the task to pick series is next. */
    private UserTask pickSeriesOf(String studySubjectId) {
        start(DemoStudyData.RESEARCHER);
        activate(DemoStudyData.RT_HN_2026);
        selectSubject(awaitTask(Elements.SELECT_PATIENT), studySubjectId);
        return awaitTask(Elements.PICK_SERIES);
    }

    @FunctionalInterface
    private interface WithRepair {
        void run(Runnable repair) throws Exception;
    }

    /**
     * Runs the body with one instance of series A corrupted in Study0. The body may repair it early (to retry);
     * it is repaired afterwards in any case, so the other tests find the archive intact.
     */
    private void withACorruptInstanceInSeriesA(WithRepair body) throws Exception {
        Path stored = storedFile(study0, corruptibleA.seriesInstanceUid());
        Path backup = Files.createTempFile("dicomstage-backup-", ".dcm");
        Files.copy(stored, backup, StandardCopyOption.REPLACE_EXISTING);
        Runnable repair = () -> {
            try {
                Files.copy(backup, stored, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            corrupt(stored);
            body.run(repair);
        } finally {
            repair.run();
            Files.delete(backup);
        }
    }

    private static Path storedFile(EmbeddedArchive archive, String seriesUid) throws IOException {
        try (Stream<Path> files = Files.walk(archive.storageDirectory())) {
            return files.filter(f -> f.getParent().getFileName().toString().equals(seriesUid))
                    .filter(f -> f.toString().endsWith(".dcm")).sorted().findFirst().orElseThrow();
        }
    }

    /** Overwrites the middle of the file: the header that the index was built from stays, the dataset breaks. */
    private static void corrupt(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
    }

    private static AttributeList read(Path file) throws IOException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(file.toFile())) {
            list.read(in, TagFromName.PixelData);
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IOException(e);
        }
        return list;
    }

    private static Set<String> sopUids(List<AttributeList> lists) {
        Set<String> uids = new HashSet<>();
        lists.forEach(l -> uids.add(Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SOPInstanceUID)));
        return uids;
    }

    private static void collectReferences(AttributeList list, Set<String> into) {
        for (Attribute a : list.values()) {
            if (a.getTag().equals(TagFromName.ReferencedSOPInstanceUID)) {
                into.add(a.getSingleStringValueOrEmptyString());
            }
            if (a instanceof SequenceAttribute seq) {
                for (int i = 0; i < seq.getNumberOfItems(); i++) {
                    SequenceItem item = seq.getItem(i);
                    collectReferences(item.getAttributeList(), into);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    /** Every warning the Confirm form can show: about the selection, about a series, about a reference. */
    private static List<String> warnings(UserTask confirm) {
        List<String> all = new ArrayList<>(List.of(((String) confirm.variables()
                .get(Variables.SELECTION_WARNINGS)).split("; ")));
        rows(confirm, Variables.CONFIRM_WARNINGS).forEach(r -> all.add((String) r.get("warning")));
        all.removeIf(String::isEmpty);
        return all;
    }

    private static List<Map<String, Object>> rows(UserTask task, String variable) {
        return (List<Map<String, Object>>) task.variables().get(variable);
    }

    private static List<Object> options(UserTask task, String variable) {
        return rows(task, variable).stream().map(o -> o.get("value")).toList();
    }
}
