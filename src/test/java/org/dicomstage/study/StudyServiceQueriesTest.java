package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dicomstage.study.DemoStudyData.COORDINATOR;
import static org.dicomstage.study.DemoStudyData.OUTSIDER;
import static org.dicomstage.study.DemoStudyData.QOL_2025;
import static org.dicomstage.study.DemoStudyData.RESEARCHER;
import static org.dicomstage.study.DemoStudyData.RT_FIXTURE_PID;
import static org.dicomstage.study.DemoStudyData.RT_HN_2026;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.context.annotation.Import;

/**
 * How many statements the lookups every job makes cost (issue 15, "Less database work per job"). Each count is
 * taken on an empty persistence context, as a job finds it: nothing is read from an earlier call.
 */
@DataJpaTest(properties = "spring.jpa.properties.hibernate.generate_statistics=true")
@Import({StudyService.class, ReviewSettings.class, StudySecrets.class, DemoStudyData.class})
class StudyServiceQueriesTest {

    static final String STUDY_UID = StagingRequestTest.STUDY_UID;

    @Autowired
    StudyService service;

    @Autowired
    ReviewSettings review;

    @Autowired
    DemoStudyData demo;

    @Autowired
    EntityManager entityManager;

    @Autowired
    EntityManagerFactory entityManagers;

    @BeforeEach
    void seed() {
        demo.seed();
    }

    /** The statements {@code call} sends, from an empty persistence context, including its flush. */
    private <T> Counted<T> count(Supplier<T> call) {
        entityManager.flush();
        entityManager.clear();
        Statistics statistics = entityManagers.unwrap(SessionFactory.class).getStatistics();
        statistics.clear();
        T result = call.get();
        entityManager.flush();
        return new Counted<>(result, statistics.getPrepareStatementCount());
    }

    private record Counted<T>(T result, long statements) {
    }

    @Test
    void theStagingAccessChecksOnceAndAuditsAsActivateRequireAndListDid() {
        Counted<StagingAccess> access = count(() -> service.stagingAccess(RESEARCHER, RT_HN_2026, true));

        assertThat(access.result().study().identifier()).isEqualTo(RT_HN_2026);
        assertThat(access.result().subjects()).isEqualTo(service.enrolledSubjects(RESEARCHER, RT_HN_2026));
        // The membership with its rights, the enrolments, the two audit rows as one batch (and at times a call
        // for the next block of audit ids): activateStudy, requireRight and enrolledSubjects one after the other
        // took 9.
        assertThat(access.statements()).isBetween(3L, 4L);
        assertThat(service.auditFor(RESEARCHER, 0, 3).events()).extracting(AuditEventView::action)
                .containsExactly(AuditActions.SUBJECT_SEARCH, AuditActions.SUBJECT_SEARCH,
                        AuditActions.STUDY_ACTIVATED);
    }

    @Test
    void theStagingAccessDeniesAsTheSeparateChecksDid() {
        assertThatThrownBy(() -> service.stagingAccess(OUTSIDER, RT_HN_2026, true))
                .isInstanceOf(StudyAccessDenied.class).hasMessageContaining("is not a member");
        assertThatThrownBy(() -> service.stagingAccess(COORDINATOR, RT_HN_2026, true))
                .isInstanceOf(StudyAccessDenied.class).hasMessageContaining("lacks the STAGE right");
        // The coordinator got as far as activating: that is on record before the denial, as before.
        assertThat(service.auditFor(COORDINATOR, 0, 2).events()).extracting(AuditEventView::action)
                .containsExactly(AuditActions.ACCESS_DENIED, AuditActions.STUDY_ACTIVATED);
        assertThatThrownBy(() -> service.stagingAccess(RESEARCHER, QOL_2025, true))
                .isInstanceOf(DicomNotEnabled.class);
        assertThat(service.auditFor(OUTSIDER, 0, 1).events()).extracting(AuditEventView::action)
                .containsExactly(AuditActions.ACCESS_DENIED);
    }

    @Test
    void aRevokedRightStopsTheNextStagingAccess() {
        service.stagingAccess(RESEARCHER, RT_HN_2026, false);
        entityManager.createNativeQuery("DELETE FROM membership_right WHERE right_name = 'STAGE' AND membership_id IN"
                + " (SELECT m.id FROM membership m JOIN study s ON s.id = m.study_id WHERE m.username = :u AND"
                + " s.identifier = :s)").setParameter("u", RESEARCHER).setParameter("s", RT_HN_2026).executeUpdate();
        entityManager.clear();

        assertThatThrownBy(() -> service.stagingAccess(RESEARCHER, RT_HN_2026, false))
                .isInstanceOf(StudyAccessDenied.class).hasMessageContaining("lacks the STAGE right");
    }

    @Test
    void theStagingStudyIsOneReadOfStudySubjectAndStudy0() {
        Counted<StagingStudy> found = count(() -> service.stagingStudy(RT_HN_2026, RT_FIXTURE_PID));

        assertThat(found.result().study()).isEqualTo(service.studyForStaging(RT_HN_2026, RT_FIXTURE_PID));
        assertThat(found.result().source()).isEqualTo(service.sourceStudy());
        assertThat(new String(found.result().secret(), StandardCharsets.UTF_8)).isEqualTo(DemoStudyData.DEMO_SECRET);
        assertThat(found.result().toString()).doesNotContain(DemoStudyData.DEMO_SECRET).contains("not shown");
        // The study, the enrolment, Study0: studyForStaging, studySecret and sourceStudy took 4.
        assertThat(found.statements()).isEqualTo(3);
    }

    @Test
    void aRequestIsReadWithItsStudyInOneQueryAndItsSeriesInAnother() {
        long id = service.createStagingRequest(new NewStagingRequest(RESEARCHER, RT_HN_2026, RT_FIXTURE_PID,
                STUDY_UID));
        service.addSeries(id, List.of(StagingRequestTest.CT, StagingRequestTest.RTSTRUCT), List.of());

        Counted<StagingRequestView> view = count(() -> service.stagingRequest(id));

        assertThat(view.result().studyIdentifier()).isEqualTo(RT_HN_2026);
        assertThat(view.result().series()).hasSize(2);
        assertThat(view.statements()).isEqualTo(2);
    }

    @Test
    void markingASeriesReadsItsRowAndRequestOnce() {
        long id = service.createStagingRequest(new NewStagingRequest(RESEARCHER, RT_HN_2026, RT_FIXTURE_PID,
                STUDY_UID));
        service.addSeries(id, List.of(StagingRequestTest.CT), List.of());
        String uid = StagingRequestTest.CT.seriesInstanceUid();

        service.markSeries(id, uid, SeriesStatus.STAGING, 0, null, null);

        Counted<Boolean> progress = count(() -> {
            service.markSeries(id, uid, SeriesStatus.STAGING, 3, null, null);
            return true;
        });
        // A progress report: the row with its request (for the cancel check), and the update.
        assertThat(progress.statements()).isEqualTo(2);

        Counted<Boolean> end = count(() -> {
            service.markSeries(id, uid, SeriesStatus.STAGED, 5, null, "2.25.1", SeriesTexts.NONE);
            return true;
        });
        // As above, plus the row's texts (a collection read before it is replaced): no second read of the row.
        assertThat(end.statements()).isLessThanOrEqualTo(3);
        assertThat(service.stagingRequest(id).series().getFirst().stagedInstances()).isEqualTo(5);
    }

    /** Audit ids come from a sequence, 50 per call: a transaction's audit rows go as one JDBC batch. */
    @Test
    void aTransactionsAuditRowsAreInsertedAsOneBatch() {
        service.record(RESEARCHER, "WARM_UP", RT_HN_2026, null, "takes a block of ids");

        Counted<Boolean> three = count(() -> {
            for (int i = 0; i < 3; i++) {
                service.record(RESEARCHER, "BATCHED", RT_HN_2026, null, "row " + i);
            }
            return true;
        });

        // One prepared insert for the three rows; with identity ids it was three.
        assertThat(three.statements()).isEqualTo(1);
        assertThat(service.auditFor(RESEARCHER, 0, 4).events()).extracting(AuditEventView::detail)
                .containsExactly("row 2", "row 1", "row 0", "takes a block of ids");
    }

    @Test
    void theReviewOfferReadsTheMembersWithTheirRightsInOneQuery() {
        Counted<ReviewSettings.Offer> offer = count(() -> review.offer(RT_HN_2026, RESEARCHER));

        assertThat(offer.result().candidates()).isEqualTo(review.candidates(RT_HN_2026, RESEARCHER));
        assertThat(offer.result().fourEyes()).isEqualTo(review.fourEyes(RT_HN_2026));
        // The study (four eyes) and the members: not one more query per member for its rights.
        assertThat(offer.statements()).isEqualTo(2);
    }

    @Test
    void theReviewOfferFollowsTheFourEyesSettingAtEveryCall() {
        assertThat(review.offer(RT_HN_2026, RESEARCHER).candidates()).contains(RESEARCHER);

        review.setFourEyes(COORDINATOR, RT_HN_2026, true);

        assertThat(review.offer(RT_HN_2026, RESEARCHER).fourEyes()).isTrue();
        assertThat(review.offer(RT_HN_2026, RESEARCHER).candidates()).doesNotContain(RESEARCHER).isNotEmpty();
    }
}
