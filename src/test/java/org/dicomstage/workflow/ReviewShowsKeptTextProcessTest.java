package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.PhiLadenGenerator;
import org.dicomstage.testing.Poll;
import org.dicomstage.workflow.ProcessDefinition.Decisions;
import org.dicomstage.workflow.ProcessDefinition.Elements;
import org.dicomstage.workflow.ProcessDefinition.Variables;
import io.camunda.client.CamundaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the reviewer reads before accepting: a PHI-laden CT (the generator's, with the issue's physician, relative,
 * phone and street in its descriptions) staged under rt-research, which keeps descriptors cleaned. The review task
 * lists every kept value of the series, cleaned, and none of the identifying words; staging it again after a send
 * back lists them once, not twice.
 */
@PollingWorkers
@SpringBootTest(classes = DicomStageApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "camunda.client.worker.defaults.poll-interval=200ms")
@ContextConfiguration(initializers = ZptEngineInitializer.class)
@Import({ZptHarnessConfiguration.class, DemoStudyData.class})
class ReviewShowsKeptTextProcessTest {

    private static final int SUBJECT = 5;
    private static final List<String> IDENTIFYING = List.of("Alice", "Wong", "555-0199", "12 Main Street", "Mary",
            "Jones", PhiLadenGenerator.FAMILY_NAME, PhiLadenGenerator.GIVEN_NAME, PhiLadenGenerator.PATIENT_ID,
            DemoStudyData.pid(SUBJECT));

    @TempDir
    static Path archives;
    @TempDir
    Path dir;

    @DynamicPropertySource
    static void nodes(DynamicPropertyRegistry registry) {
        org.dicomstage.testing.EmbeddedNodes.register(registry, () -> archives,
                List.of(DemoStudyData.STUDY0_NODE, DemoStudyData.PROJECT_NODE, DemoStudyData.HOLDING_NODE));
    }

    @Autowired
    CamundaClient client;
    @Autowired
    UserTasks userTasks;
    @Autowired
    DicomNodeRegistry nodes;
    @Autowired
    JdbcTemplate db;

    @Test
    void theReviewListsEveryKeptDescriptorCleanedPerSeriesAndAReStageListsThemOnce() throws Exception {
        assertThat(DemoStudyData.PROFILE).isEqualTo("rt-research");
        PhiLadenGenerator.Study phi = PhiLadenGenerator.write(dir.resolve("generated"));
        Path ct = dir.resolve("study0/CT.dcm");
        DicomFiles.rewrite(phi.files().get(0), ct, ReviewShowsKeptTextProcessTest::issueExamples);
        EmbeddedArchive study0 = nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow();
        assertThat(study0.importDirectory(ct.getParent())).isEqualTo(1);

        long instance = client.newCreateInstanceCommand().bpmnProcessId(ProcessDefinition.PROCESS_ID).latestVersion()
                .variables(Map.of(Variables.REQUESTED_BY, DemoStudyData.RESEARCHER)).send().join()
                .getProcessInstanceKey();
        complete(instance, Elements.ACTIVATE_STUDY, Map.of(Variables.STUDY_ID, DemoStudyData.RT_HN_2026));
        complete(instance, Elements.SELECT_PATIENT, Map.of(Variables.SUBJECT_SELECTION_MODE, Decisions.ONE_SUBJECT,
                Variables.SUBJECT_ID, DemoStudyData.studySubjectId(SUBJECT)));
        UserTask pick = await(instance, Elements.PICK_SERIES);
        Map<String, Object> series = rows(pick.variables().get(Variables.SERIES_TABLE)).getFirst();
        String label = SeriesObjects.label(series);
        UserTask review = pickAndConfirm(instance, pick, SeriesObjects.uid(series));

        List<Map<String, Object>> shown = rows(review.variables().get(Variables.KEPT_DESCRIPTORS));
        assertThat(shown).as("every row names its series by label").allSatisfy(r -> assertThat(r.get("series"))
                .isEqualTo(label));
        assertThat(shown).filteredOn(r -> KeptDescriptorRows.KEPT.equals(r.get("what")))
                .extracting(r -> r.get("attribute"), r -> r.get("value"))
                .contains(tuple("ImageComments", "Referred by Dr. [name], call [phone]"),
                        tuple("AdditionalPatientHistory", "Lives at [address]; Wife [name] consents"),
                        tuple("StudyDescription", "CT Thorax Dr. [name]"),
                        tuple("SeriesDescription", "CT Thorax [name]"));
        String leaving = String.join("\n", shown.stream().map(r -> r.get("attribute") + ": " + r.get("value")).toList());
        assertThat(leaving).doesNotContain(IDENTIFYING.toArray(String[]::new));
        int stored = storedTexts(instance);
        assertThat(stored).as("the database holds what the review shows").isEqualTo(shown.size());

        // Sent back and staged again: the same values, once each.
        userTasks.complete(review.key(), Map.of(Variables.REVIEW_DECISION, Decisions.SEND_BACK));
        UserTask again = await(instance, Elements.PICK_SERIES);
        assertThat(storedTexts(instance)).as("the held copy is gone, and its texts with it").isZero();
        UserTask reviewAgain = pickAndConfirm(instance, again, SeriesObjects.uid(series));
        assertThat(rows(reviewAgain.variables().get(Variables.KEPT_DESCRIPTORS))).isEqualTo(shown);
        assertThat(storedTexts(instance)).isEqualTo(stored);

        // Accepted, so that the request is closed and leaves nothing open for the tests that share the database.
        userTasks.complete(reviewAgain.key(), Map.of(Variables.REVIEW_DECISION, Decisions.ACCEPT));
        Poll.until(Duration.ofSeconds(90), () -> db.queryForObject("SELECT COUNT(*) FROM staging_request WHERE "
                + "process_instance_key = ? AND outcome = 'ACCEPTED'", Integer.class, instance) == 1 ? true : null,
                () -> "request of instance " + instance + " not closed as accepted");
        assertThat(storedTexts(instance)).as("the published copy's texts stay on record").isEqualTo(stored);
    }

    /** The issue's findings: a physician and a relative named only deep in the object, a phone, a street. */
    private static void issueExamples(AttributeList list) {
        // The generator's private person name "...^Private" stays: "private" is a name part of the source, and the
        // copy declares "Retain Safe Private Option"; the verification must not take the one for the other.
        // Retain Device Identity keeps a Device UID: the verification must not take it for a source UID left.
        DicomFiles.set(list, "DeviceUID", "1.2.826.0.1.3680043.10.543.77");
        DicomFiles.set(list, "PatientID", DemoStudyData.pid(SUBJECT));
        DicomFiles.set(list, "OtherPatientIDs", PhiLadenGenerator.PATIENT_ID);
        SequenceAttribute request = new SequenceAttribute(TagFromName.RequestAttributesSequence);
        AttributeList item = new AttributeList();
        DicomFiles.set(item, "ScheduledPerformingPhysicianName", "Wong^Alice^^Dr.");
        DicomFiles.set(item, "RequestingPhysician", "Jones^Mary");
        request.addItem(item);
        list.put(request);
        DicomFiles.set(list, "ImageComments", "Referred by Dr. Alice Wong, call 555-0199");
        DicomFiles.set(list, "AdditionalPatientHistory", "Lives at 12 Main Street; Wife Mary Jones consents");
        DicomFiles.set(list, "StudyDescription", "CT Thorax Dr. Alice Wong");
    }

    private UserTask pickAndConfirm(long instance, UserTask pick, String seriesUid) {
        userTasks.complete(pick.key(), Map.of(Variables.PICKED_SERIES_UIDS, List.of(seriesUid)));
        UserTask confirm = await(instance, Elements.CONFIRM_SELECTION);
        userTasks.complete(confirm.key(), Map.of(Variables.CONFIRMED_SERIES_UIDS,
                confirm.variables().get(Variables.CONFIRMED_SERIES_UIDS)));
        UserTask review = await(instance, Elements.REVIEW_STAGED_COPY);
        assertThat(review.variables().get(Variables.VERIFIED)).as(String.valueOf(review.variables()
                .get(Variables.VERIFICATION_REPORT))).isEqualTo(true);
        return review;
    }

    private int storedTexts(long instance) {
        return db.queryForObject("SELECT COUNT(*) FROM staging_series_text t JOIN staging_series s ON s.id = "
                + "t.series_id JOIN staging_request r ON r.id = s.request_id WHERE r.process_instance_key = ?",
                Integer.class, instance);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Object value) {
        return (List<Map<String, Object>>) value;
    }

    private void complete(long instance, String elementId, Map<String, Object> variables) {
        userTasks.complete(await(instance, elementId).key(), variables);
    }

    private UserTask await(long instance, String elementId) {
        Supplier<UserTask> probe = () -> userTasks.open(instance).stream().filter(t -> t.elementId().equals(elementId))
                .findFirst().orElse(null);
        return Poll.until(Duration.ofSeconds(90), probe,
                () -> "no task " + elementId + "; open: " + userTasks.open(instance));
    }
}
