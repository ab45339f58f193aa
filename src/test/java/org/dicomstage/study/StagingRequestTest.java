package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dicomstage.study.DemoStudyData.COORDINATOR;
import static org.dicomstage.study.DemoStudyData.QOL_2025;
import static org.dicomstage.study.DemoStudyData.RESEARCHER;
import static org.dicomstage.study.DemoStudyData.RT_FIXTURE_PID;
import static org.dicomstage.study.DemoStudyData.RT_HN_2026;

import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;

@DataJpaTest
@Import({StudyService.class, StudySecrets.class, DemoStudyData.class})
class StagingRequestTest {

    static final String STUDY_UID = "1.2.826.0.1.3680043.8.498.1";
    static final SeriesSelection CT = new SeriesSelection(STUDY_UID, STUDY_UID + ".1", "CT", "Planning CT", 5);
    static final SeriesSelection RTSTRUCT = new SeriesSelection(STUDY_UID, STUDY_UID + ".2", "RTSTRUCT", "Contours", 1);
    static final SeriesSelection RTPLAN = new SeriesSelection(STUDY_UID, STUDY_UID + ".3", "RTPLAN", "Plan", 1);
    static final SeriesSelection RTDOSE = new SeriesSelection(STUDY_UID, STUDY_UID + ".4", "RTDOSE", "Dose", 1);

    @Autowired
    StudyService service;

    @Autowired
    DemoStudyData demo;

    @Autowired
    StagingRequestRepository requests;

    @Autowired
    StagingSeriesRepository seriesRows;

    @Autowired
    EntityManager entityManager;

    @Value("${spring.jpa.hibernate.ddl-auto}")
    String ddlAuto;

    @BeforeEach
    void seed() {
        demo.seed();
    }

    long newRequest() {
        return service.createStagingRequest(new NewStagingRequest(RESEARCHER, RT_HN_2026, RT_FIXTURE_PID, STUDY_UID));
    }

    @Test
    void theSchemaComesFromFlywayAndHibernateOnlyValidatesIt() {
        assertThat(ddlAuto).isEqualTo("validate");
    }

    @Test
    void createsARequestWithTheStudySubjectIdAndAuditsIt() {
        long id = newRequest();

        StagingRequestView request = service.stagingRequest(id);
        assertThat(request.studyIdentifier()).isEqualTo(RT_HN_2026);
        assertThat(request.pid()).isEqualTo(RT_FIXTURE_PID);
        assertThat(request.studySubjectId()).isEqualTo(DemoStudyData.RT_FIXTURE_SUBJECT_ID);
        assertThat(request.study0StudyInstanceUid()).isEqualTo(STUDY_UID);
        assertThat(request.requestedBy()).isEqualTo(RESEARCHER);
        assertThat(request.requestedAt()).isNotNull();
        assertThat(request.processInstanceKey()).isNull();
        assertThat(request.series()).isEmpty();
        assertThat(service.auditFor(RESEARCHER, 0, 1).events().get(0))
                .extracting(AuditEventView::action, AuditEventView::subjectPid)
                .containsExactly(AuditActions.STAGING_REQUESTED, RT_FIXTURE_PID);
    }

    @Test
    void refusesSubjectsNotEnrolledAndStudiesWithoutDicom() {
        assertThatThrownBy(() -> service.createStagingRequest(
                new NewStagingRequest(RESEARCHER, RT_HN_2026, "PID-9999", STUDY_UID)))
                .isInstanceOf(StudyNotFound.class).hasMessageContaining("PID-9999");
        assertThatThrownBy(() -> service.createStagingRequest(
                new NewStagingRequest(RESEARCHER, QOL_2025, RT_FIXTURE_PID, STUDY_UID)))
                .isInstanceOf(StudyAccessDenied.class); // LOOKUP only in QOL-2025
    }

    @Test
    void registersSelectionAndClosureAsPendingRows() {
        long id = newRequest();

        service.addSeries(id, List.of(RTDOSE), List.of(RTDOSE, RTPLAN, RTSTRUCT, CT));

        List<StagingSeriesView> rows = service.stagingRequest(id).series();
        assertThat(rows).extracting(StagingSeriesView::seriesInstanceUid).containsExactly(
                RTDOSE.seriesInstanceUid(), RTPLAN.seriesInstanceUid(), RTSTRUCT.seriesInstanceUid(),
                CT.seriesInstanceUid());
        assertThat(rows).extracting(StagingSeriesView::selected).containsExactly(true, false, false, false);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(SeriesStatus.PENDING);
            assertThat(r.stagedInstances()).isZero();
        });
        assertThat(rows.get(3).expectedInstances()).isEqualTo(5);
        assertThat(rows.get(3).modality()).isEqualTo("CT");
    }

    @Test
    void registeringASeriesTwiceKeepsOneRowAndItsProgress() {
        long id = newRequest();
        service.addSeries(id, List.of(CT), List.of());
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGED, 5, null, "2.25.99");

        service.addSeries(id, List.of(), List.of(CT, RTSTRUCT));
        service.addSeries(id, List.of(CT), List.of(CT));

        List<StagingSeriesView> rows = service.stagingRequest(id).series();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).status()).isEqualTo(SeriesStatus.STAGED);
        assertThat(rows.get(0).selected()).isTrue();
        assertThat(rows.get(0).targetSeriesInstanceUid()).isEqualTo("2.25.99");
    }

    @Test
    void theDatabaseRejectsASecondRowForTheSameSeries() {
        long id = newRequest();
        service.addSeries(id, List.of(CT), List.of());
        StagingRequest request = requests.findById(id).orElseThrow();

        assertThatThrownBy(() -> seriesRows.saveAndFlush(
                new StagingSeries(request, CT, true, java.time.Instant.now())))
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void replacingDropsUnwantedRowsThatHaveNotStarted() {
        long id = newRequest();
        service.addSeries(id, List.of(CT, RTSTRUCT), List.of(RTPLAN));
        service.markSeries(id, RTSTRUCT.seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);

        service.replaceSeries(id, List.of(RTDOSE), List.of());

        assertThat(service.stagingRequest(id).series())
                .extracting(StagingSeriesView::seriesInstanceUid, StagingSeriesView::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(RTSTRUCT.seriesInstanceUid(), SeriesStatus.STAGING),
                        org.assertj.core.groups.Tuple.tuple(RTDOSE.seriesInstanceUid(), SeriesStatus.PENDING));
    }

    @Test
    void markingRecordsStatusCountsReasonAndTarget() {
        long id = newRequest();
        service.addSeries(id, List.of(CT), List.of());

        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.FAILED, 3, "C-STORE refused: 0xA700", null);
        StagingSeriesView failed = service.stagingRequest(id).series().get(0);
        assertThat(failed.status()).isEqualTo(SeriesStatus.FAILED);
        assertThat(failed.failureReason()).isEqualTo("C-STORE refused: 0xA700");
        assertThat(failed.stagedInstances()).isEqualTo(3);
        assertThat(failed.expectedInstances()).isEqualTo(5);

        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.VERIFIED, 5, null, "2.25.1234");
        StagingSeriesView verified = service.stagingRequest(id).series().get(0);
        assertThat(verified.status()).isEqualTo(SeriesStatus.VERIFIED);
        assertThat(verified.failureReason()).isNull();
        assertThat(verified.stagedInstances()).isEqualTo(5);
        assertThat(verified.targetSeriesInstanceUid()).isEqualTo("2.25.1234");

        assertThatThrownBy(() -> service.markSeries(id, "9.9.9", SeriesStatus.STAGED, 1, null, null))
                .isInstanceOf(StudyNotFound.class).hasMessageContaining("9.9.9");
    }

    @Test
    void anOpenRequestIsFoundForResumingUntilClosedAndOnlyThenANewOneCanBeOpened() {
        long id = newRequest();
        service.addSeries(id, List.of(CT, RTSTRUCT), List.of());
        service.setProcessInstanceKey(id, 2251799813685249L);

        assertThat(service.findOpenRequest(RT_HN_2026, RT_FIXTURE_PID, STUDY_UID)).get()
                .extracting(StagingRequestView::id, StagingRequestView::processInstanceKey)
                .containsExactly(id, 2251799813685249L);
        assertThat(service.findOpenRequest(RT_HN_2026, RT_FIXTURE_PID, "1.2.3.other")).isEmpty();
        assertThat(service.findOpenRequest(RT_HN_2026, "PID-0001", STUDY_UID)).isEmpty();

        // Verified but not accepted yet: the copy waits in the holding node, the request is still open.
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.VERIFIED, 5, null, "2.25.1");
        service.markSeries(id, RTSTRUCT.seriesInstanceUid(), SeriesStatus.VERIFIED, 1, null, "2.25.2");
        assertThat(service.findOpenRequest(RT_HN_2026, RT_FIXTURE_PID, STUDY_UID)).get()
                .extracting(StagingRequestView::id).isEqualTo(id);

        service.closeRequest(id, RequestOutcome.ABORTED);
        assertThat(service.findOpenRequest(RT_HN_2026, RT_FIXTURE_PID, STUDY_UID)).isEmpty();
        assertThat(service.stagingRequest(id).closedAt()).isNotNull();
        assertThat(service.stagingRequest(id).outcome()).isEqualTo(RequestOutcome.ABORTED);
        long next = newRequest();
        assertThat(service.findOpenRequest(RT_HN_2026, RT_FIXTURE_PID, STUDY_UID)).get()
                .extracting(StagingRequestView::id).isEqualTo(next);
    }

    @Test
    void aProcessBindsAFreeRequestButNeverTakesOverAnotherProcesssOne() {
        long id = newRequest();
        assertThat(service.bindProcess(id, 11L)).isTrue();
        assertThat(service.bindProcess(id, 11L)).as("its own, again").isTrue();
        assertThat(service.bindProcess(id, 12L)).isFalse();
        assertThat(service.stagingRequest(id).processInstanceKey()).isEqualTo(11L);

        // Process 11 ended without closing it: Edit hands the request to a new process, once.
        assertThat(service.rebindProcess(id, 11L, 13L)).isTrue();
        assertThat(service.rebindProcess(id, 11L, 14L)).isFalse();
        assertThat(service.stagingRequest(id).processInstanceKey()).isEqualTo(13L);

        service.closeRequest(id, RequestOutcome.ACCEPTED);
        assertThat(service.bindProcess(id, 13L)).as("closed").isFalse();
    }

    @Test
    void theEndOfAProcessClosesEveryRequestItUsedOnceAndFreesTheirSeries() {
        long processInstance = 2251799813685300L;
        long fromLookup = newRequest();
        long otherSubject = service.createStagingRequest(
                new NewStagingRequest(RESEARCHER, RT_HN_2026, "PID-0002", STUDY_UID + ".9"));
        long ofAnotherProcess = service.createStagingRequest(
                new NewStagingRequest(RESEARCHER, RT_HN_2026, "PID-0003", STUDY_UID + ".8"));
        service.setProcessInstanceKey(fromLookup, processInstance);
        service.setProcessInstanceKey(otherSubject, processInstance);
        service.setProcessInstanceKey(ofAnotherProcess, processInstance + 1);
        service.addSeries(fromLookup, List.of(CT), List.of());
        // A worker that crashed while staging left its claim behind.
        assertThat(service.claimSeries(fromLookup, CT.seriesInstanceUid(), "crashed-worker",
                java.time.Duration.ofMinutes(2))).isTrue();

        assertThat(service.closeRequestsOf(processInstance, RequestOutcome.ACCEPTED))
                .containsExactly(fromLookup, otherSubject);

        for (long id : List.of(fromLookup, otherSubject)) {
            assertThat(service.stagingRequest(id)).extracting(StagingRequestView::outcome)
                    .isEqualTo(RequestOutcome.ACCEPTED);
            assertThat(service.stagingRequest(id).closedAt()).isNotNull();
        }
        assertThat(service.stagingRequest(ofAnotherProcess).closedAt()).isNull();
        assertThat(service.findOpenRequest(RT_HN_2026, RT_FIXTURE_PID, STUDY_UID)).as("Edit would start anew")
                .isEmpty();
        assertThat(service.claimSeries(fromLookup, CT.seriesInstanceUid(), "someone-else",
                java.time.Duration.ofMinutes(2))).as("the claim is gone").isTrue();

        // A retried job closes again: nothing changes, nothing more is audited.
        var closedAt = service.stagingRequest(fromLookup).closedAt();
        long audited = auditedClosings();
        assertThat(service.closeRequestsOf(processInstance, RequestOutcome.ABORTED))
                .containsExactly(fromLookup, otherSubject);
        assertThat(service.stagingRequest(fromLookup)).extracting(StagingRequestView::closedAt,
                StagingRequestView::outcome).containsExactly(closedAt, RequestOutcome.ACCEPTED);
        assertThat(auditedClosings()).isEqualTo(audited).isEqualTo(2);
        assertThat(service.closeRequestsOf(processInstance + 2, RequestOutcome.ACCEPTED)).isEmpty();
    }

    private long auditedClosings() {
        return service.auditForStudy(RT_HN_2026, 0, 500).events().stream()
                .filter(e -> e.action().equals(AuditActions.STAGING_REQUEST_CLOSED)).count();
    }

    @Test
    void membersListAndViewRequestsOthersMayNot() {
        long id = newRequest();
        service.addSeries(id, List.of(CT), List.of(RTSTRUCT));
        long other = service.createStagingRequest(
                new NewStagingRequest(RESEARCHER, RT_HN_2026, "PID-0001", "1.2.3.4"));

        List<StagingRequestView> listed = service.stagingRequests(COORDINATOR, RT_HN_2026);
        assertThat(listed).extracting(StagingRequestView::id).containsExactly(other, id);
        assertThat(listed.get(0).series()).isEmpty();
        assertThat(listed.get(1).series()).extracting(StagingSeriesView::seriesInstanceUid)
                .containsExactly(CT.seriesInstanceUid(), RTSTRUCT.seriesInstanceUid());
        assertThat(service.stagingRequest(COORDINATOR, id).pid()).isEqualTo(RT_FIXTURE_PID);
        assertThatThrownBy(() -> service.stagingRequests(DemoStudyData.OUTSIDER, RT_HN_2026))
                .isInstanceOf(StudyAccessDenied.class);
        assertThatThrownBy(() -> service.stagingRequest(DemoStudyData.OUTSIDER, id))
                .isInstanceOf(StudyAccessDenied.class);
    }

    @Test
    void theRequestRowIsNotTouchedByPerSeriesProgress() {
        long id = newRequest();
        service.addSeries(id, List.of(CT), List.of());
        entityManager.flush();
        Long before = versionOf(id);

        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);
        entityManager.flush();

        assertThat(versionOf(id)).isEqualTo(before);
    }

    @Test
    void aStagingRunRecordsWhatItsCopyCarriesAsTextAndAnotherRunReplacesIt() {
        long id = newRequest();
        service.addSeries(id, List.of(CT, RTSTRUCT), List.of());
        SeriesTexts first = new SeriesTexts(List.of(
                new SeriesTexts.KeptDescriptor("ImageComments", "Referred by Dr. [name], call [phone]"),
                new SeriesTexts.KeptDescriptor("StudyDescription", "HEAD NECK PLANNING")),
                List.of("SOP instance 2.25.7: ImageComments (0020,4000) replaced by a dummy value: undecodable"),
                List.of("(0019,0010)"));
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGED, 5, null, "2.25.1", first);
        entityManager.flush();
        entityManager.clear();
        assertThat(service.seriesTexts(id)).containsExactly(Map.entry(CT.seriesInstanceUid(), first),
                Map.entry(RTSTRUCT.seriesInstanceUid(), SeriesTexts.NONE));

        // Staged again (sent back, picked again): the new run's texts, none of the first run's twice.
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.PENDING, 0, null, null);
        entityManager.flush();
        entityManager.clear();
        assertThat(service.seriesTexts(id).get(CT.seriesInstanceUid())).as("the held copy is gone")
                .isEqualTo(SeriesTexts.NONE);
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGED, 5, null, "2.25.1", first);
        SeriesTexts second = new SeriesTexts(List.of(new SeriesTexts.KeptDescriptor("StudyDescription",
                "HEAD NECK PLANNING")), List.of(), List.of());
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGED, 5, null, "2.25.1", second);
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.VERIFIED, null, null, null);
        entityManager.flush();
        entityManager.clear();
        assertThat(service.seriesTexts(id).get(CT.seriesInstanceUid())).isEqualTo(second);
        assertThat(((Number) entityManager.createNativeQuery("select count(*) from staging_series_text")
                .getSingleResult()).intValue()).isEqualTo(1);

        // A series dropped from the selection takes its texts along.
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.FAILED, 5, "verification: count", null, first);
        service.replaceSeries(id, List.of(RTSTRUCT), List.of());
        entityManager.flush();
        entityManager.clear();
        assertThat(service.seriesTexts(id)).containsOnlyKeys(RTSTRUCT.seriesInstanceUid());
        assertThat(((Number) entityManager.createNativeQuery("select count(*) from staging_series_text")
                .getSingleResult()).intValue()).isZero();
    }

    @Test
    void aValueLongerThanTheColumnIsCutAndSaysHowMuchIsMissing() {
        long id = newRequest();
        service.addSeries(id, List.of(CT), List.of());
        String report = "word ".repeat(20_000);
        service.markSeries(id, CT.seriesInstanceUid(), SeriesStatus.STAGED, 5, null, "2.25.1", new SeriesTexts(
                List.of(new SeriesTexts.KeptDescriptor("TextValue", report)), List.of(), List.of()));
        entityManager.flush();
        entityManager.clear();

        String stored = service.seriesTexts(id).get(CT.seriesInstanceUid()).keptDescriptors().get(0).value();
        assertThat(stored).hasSizeLessThanOrEqualTo(SeriesText.MAX_TEXT).startsWith("word word")
                .endsWith("… (" + (report.length() - SeriesText.MAX_TEXT + 80) + " more characters, in the copy itself)");
    }

    private Long versionOf(long requestId) {
        return ((Number) entityManager.createNativeQuery("select version from staging_request where id = ?1")
                .setParameter(1, requestId).getSingleResult()).longValue();
    }
}
