package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dicomstage.study.DemoStudyData.ADMIN;
import static org.dicomstage.study.DemoStudyData.COORDINATOR;
import static org.dicomstage.study.DemoStudyData.OUTSIDER;
import static org.dicomstage.study.DemoStudyData.QOL_2025;
import static org.dicomstage.study.DemoStudyData.RESEARCHER;
import static org.dicomstage.study.DemoStudyData.RT_FIXTURE_PID;
import static org.dicomstage.study.DemoStudyData.RT_HN_2026;
import static org.dicomstage.study.DemoStudyData.STUDY0;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

@DataJpaTest
@Import({StudyService.class, ReviewSettings.class, StudySecrets.class, DemoStudyData.class, StudyServiceTest.Clocks.class})
class StudyServiceTest {

    @TestConfiguration
    static class Clocks {
        @Bean
        Clock clock() {
            return new TickingClock();
        }
    }

    @Autowired
    StudyService service;

    @Autowired
    DemoStudyData demo;

    @Autowired
    StudyRepository studies;

    @Autowired
    ReviewSettings review;

    @BeforeEach
    void seed() {
        demo.seed();
    }

    // ---------------------------------------------------------------- access

    @Test
    void listsTheStudiesOfAMemberWithRoleAndRights() {
        assertThat(service.studiesOf(RESEARCHER))
                .extracting(StudySummary::identifier, StudySummary::dicomEnabled, StudySummary::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(QOL_2025, false, Role.RESEARCHER),
                        org.assertj.core.groups.Tuple.tuple(RT_HN_2026, true, Role.RESEARCHER));
        assertThat(service.studiesOf(RESEARCHER).get(1).rights())
                .containsExactlyInAnyOrder(Right.LOOKUP, Right.STAGE, Right.REVIEW);
        assertThat(service.studiesOf(OUTSIDER)).isEmpty();
    }

    /** What the engine's per-study tenants are made from: only studies that run processes, with every member. */
    @Test
    void processStudiesAreTheDicomEnabledProjectStudiesWithAllTheirMembers() {
        List<StudyMembers> found = service.processStudies();

        assertThat(found).extracting(StudyMembers::identifier).containsExactly(RT_HN_2026);
        assertThat(found.get(0).members()).extracting(StudyMembers.Member::username)
                .containsExactlyInAnyOrder(RESEARCHER, DemoStudyData.COORDINATOR, DemoStudyData.ADMIN);
        assertThat(found.get(0).members()).filteredOn(m -> m.username().equals(DemoStudyData.COORDINATOR))
                .singleElement().satisfies(m -> {
                    assertThat(m.role()).isEqualTo(Role.COORDINATOR);
                    assertThat(m.rights()).containsExactlyInAnyOrder(Right.LOOKUP, Right.REVIEW, Right.DOWNLOAD);
                });
    }

    @Test
    void fourEyesIsOffUntilACoordinatorTurnsItOnAndThenTheRequesterIsNoCandidateReviewer() {
        assertThat(review.fourEyes(RT_HN_2026)).isFalse();
        assertThat(review.candidates(RT_HN_2026, RESEARCHER)).containsExactly(ADMIN, COORDINATOR, RESEARCHER);

        assertThatThrownBy(() -> review.setFourEyes(RESEARCHER, RT_HN_2026, true)).isInstanceOf(RoleRequired.class)
                .hasMessage("Only a coordinator or admin of RT-HN-2026 may change who reviews.");
        assertThatThrownBy(() -> review.setFourEyes(OUTSIDER, RT_HN_2026, true)).isInstanceOf(StudyAccessDenied.class);
        assertThat(review.fourEyes(RT_HN_2026)).isFalse();
        assertThat(service.auditFor(RESEARCHER, 0, 1).events().getFirst().action())
                .isEqualTo(AuditActions.ACCESS_DENIED);

        ReviewSettings.Setting on = review.setFourEyes(COORDINATOR, RT_HN_2026, true);
        assertThat(on.fourEyes()).isTrue();
        assertThat(review.fourEyes(RT_HN_2026)).as("stored").isTrue();
        assertThat(review.candidates(RT_HN_2026, RESEARCHER)).containsExactly(ADMIN, COORDINATOR);
        assertThat(review.candidates(RT_HN_2026, ADMIN)).containsExactly(COORDINATOR, RESEARCHER);
        assertThat(service.auditFor(COORDINATOR, 0, 1).events().getFirst())
                .extracting(AuditEventView::action, AuditEventView::detail)
                .containsExactly(AuditActions.FOUR_EYES_CHANGED, "four eyes at review on");
        assertThat(review.setting(RESEARCHER, RT_HN_2026).reviewers()).containsExactly(ADMIN, COORDINATOR, RESEARCHER);
    }

    @Test
    void activatingAStudyIsAudited() {
        StudySummary active = service.activateStudy(RESEARCHER, RT_HN_2026);

        assertThat(active.identifier()).isEqualTo(RT_HN_2026);
        assertThat(service.auditFor(RESEARCHER, 0, 1).events().get(0))
                .extracting(AuditEventView::action, AuditEventView::studyIdentifier)
                .containsExactly(AuditActions.STUDY_ACTIVATED, RT_HN_2026);
    }

    @Test
    void deniesANonMemberNamingUserAndStudyAndAuditsIt() {
        assertThatThrownBy(() -> service.activateStudy(OUTSIDER, RT_HN_2026))
                .isInstanceOf(StudyAccessDenied.class)
                .hasMessageContaining(OUTSIDER)
                .hasMessageContaining(RT_HN_2026);
        assertThatThrownBy(() -> service.searchSubjects(OUTSIDER, RT_HN_2026, "PID"))
                .isInstanceOf(StudyAccessDenied.class);

        AuditPage trail = service.auditFor(OUTSIDER, 0, 10);
        assertThat(trail.events()).hasSize(2).allSatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditActions.ACCESS_DENIED);
            assertThat(e.studyIdentifier()).isEqualTo(RT_HN_2026);
        });
    }

    @Test
    void deniesAMemberWithoutTheRightAndAuditsIt() {
        service.requireRight(COORDINATOR, RT_HN_2026, Right.REVIEW);

        assertThatThrownBy(() -> service.requireRight(COORDINATOR, RT_HN_2026, Right.STAGE))
                .isInstanceOf(StudyAccessDenied.class)
                .hasMessageContaining(COORDINATOR)
                .hasMessageContaining(RT_HN_2026)
                .hasMessageContaining("STAGE");
        assertThatThrownBy(() -> service.createStagingRequest(
                new NewStagingRequest(COORDINATOR, RT_HN_2026, DemoStudyData.pid(1), "1.2.3")))
                .isInstanceOf(StudyAccessDenied.class);

        assertThat(service.auditFor(COORDINATOR, 0, 10).events())
                .extracting(AuditEventView::action, AuditEventView::subjectPid)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AuditActions.ACCESS_DENIED, DemoStudyData.pid(1)),
                        org.assertj.core.groups.Tuple.tuple(AuditActions.ACCESS_DENIED, null));
    }

    @Test
    void unknownStudyIsDeniedLikeAStudyOfOthers() {
        assertThatThrownBy(() -> service.activateStudy(RESEARCHER, "NO-SUCH-STUDY"))
                .isInstanceOf(StudyAccessDenied.class)
                .hasMessageContaining("NO-SUCH-STUDY");
    }

    @Test
    void aStudyWithoutDicomCannotBeActivated() {
        assertThatThrownBy(() -> service.activateStudy(RESEARCHER, QOL_2025))
                .isInstanceOf(DicomNotEnabled.class)
                .hasMessageContaining(QOL_2025);
    }

    // ---------------------------------------------------------------- subject search

    @Test
    void searchShowsAtMostTenHitsAndSaysThereAreMore() {
        SubjectSearchResult result = service.searchSubjects(RESEARCHER, RT_HN_2026, "pid-00");

        assertThat(result.hits()).hasSize(StudyService.SEARCH_LIMIT);
        assertThat(result.total()).isEqualTo(DemoStudyData.NUMBERED_SUBJECTS);
        assertThat(result.more()).isTrue();
        assertThat(result.hits().get(0)).isEqualTo(
                new SubjectEnrolment("PID-0001", "HN-001", DemoStudyData.SITE_A, "Site A"));
        assertThat(service.auditFor(RESEARCHER, 0, 1).events().get(0).action())
                .isEqualTo(AuditActions.SUBJECT_SEARCH);
    }

    @Test
    void searchIsACaseInsensitiveSubstringOverBothIds() {
        assertThat(service.searchSubjects(RESEARCHER, RT_HN_2026, "hnc-0522C").hits())
                .extracting(SubjectEnrolment::studySubjectId).containsExactly("HN-RT-01");
        assertThat(service.searchSubjects(RESEARCHER, RT_HN_2026, "rt-0").hits())
                .extracting(SubjectEnrolment::pid).containsExactly(RT_FIXTURE_PID);

        SubjectSearchResult few = service.searchSubjects(RESEARCHER, RT_HN_2026, "hn-02");
        assertThat(few.hits()).extracting(SubjectEnrolment::studySubjectId)
                .containsExactly("HN-020", "HN-021", "HN-022", "HN-023", "HN-024", "HN-025");
        assertThat(few.more()).isFalse();
        assertThat(few.total()).isEqualTo(6);
    }

    @Test
    void searchTakesLikeWildcardsLiterally() {
        assertThat(service.searchSubjects(RESEARCHER, RT_HN_2026, "%").total()).isZero();
        assertThat(service.searchSubjects(RESEARCHER, RT_HN_2026, "HN_0").total()).isZero();
    }

    @Test
    void searchStaysInsideTheStudy() {
        // Every demo subject is in STUDY0 too; admin's search there finds them by PID, researcher may not search.
        assertThat(service.searchSubjects(ADMIN, STUDY0, "PID-0001").hits())
                .containsExactly(new SubjectEnrolment("PID-0001", "PID-0001", DemoStudyData.SITE_A, "Site A"));
        assertThatThrownBy(() -> service.searchSubjects(RESEARCHER, STUDY0, "PID"))
                .isInstanceOf(StudyAccessDenied.class);
    }

    @Test
    void bulkSearchSplitsTermsAndReportsThoseWithoutMatch() {
        BulkSearchResult result = service.bulkSearch(RESEARCHER, RT_HN_2026,
                "HN-001, pid-0001;PID-0002\nhn-rt-01  nobody\r\nHN-999;0003");

        assertThat(result.matched()).extracting(SubjectEnrolment::studySubjectId)
                .containsExactly("HN-001", "HN-002", "HN-003", "HN-RT-01");
        assertThat(result.unmatchedTerms()).containsExactly("nobody", "HN-999");
        assertThat(service.auditFor(RESEARCHER, 0, 1).events().get(0).action())
                .isEqualTo(AuditActions.SUBJECT_BULK_SEARCH);
    }

    // ---------------------------------------------------------------- for staging

    @Test
    void detailsForStagingCarryTrialAttributesAndTheEnrolmentSite() {
        StudyDetails details = service.studyForStaging(RT_HN_2026, RT_FIXTURE_PID);

        assertThat(details.profileName()).isEqualTo(DemoStudyData.PROFILE);
        assertThat(details.archiveNode()).isEqualTo(DemoStudyData.PROJECT_NODE);
        assertThat(details.protocolId()).isEqualTo("RT-HN-2026-P01");
        assertThat(details.sponsor()).isEqualTo("DICOM Stage Demo Sponsor");
        assertThat(details.enrolment()).isEqualTo(
                new SubjectEnrolment(RT_FIXTURE_PID, "HN-RT-01", DemoStudyData.SITE_A, "Site A"));
        assertThat(service.studyForStaging(RT_HN_2026).enrolment()).isNull();
        assertThat(service.sourceStudy().identifier()).isEqualTo(STUDY0);
        assertThat(service.sourceStudy().archiveNode()).isEqualTo(DemoStudyData.STUDY0_NODE);
        assertThatThrownBy(() -> service.studyForStaging(RT_HN_2026, "PID-9999"))
                .isInstanceOf(StudyNotFound.class).hasMessageContaining("PID-9999");
    }

    @Test
    void theDemoSecretComesFromTheDemoDefaultAndAppearsInNoToString() {
        byte[] secret = service.studySecret(RT_HN_2026);
        String text = new String(secret, StandardCharsets.UTF_8);

        // A real variable of that name would take precedence; the local run and this test have none.
        if (System.getenv(DemoStudyData.SECRET_VARIABLE) == null) {
            assertThat(text).isEqualTo(DemoStudyData.DEMO_SECRET);
        }
        Study study = studies.findByIdentifier(RT_HN_2026).orElseThrow();
        assertThat(study.toString()).doesNotContain(text).doesNotContain(DemoStudyData.SECRET_VARIABLE);
        assertThat(service.studyForStaging(RT_HN_2026, RT_FIXTURE_PID).toString()).doesNotContain(text)
                .doesNotContain(DemoStudyData.SECRET_VARIABLE);
        assertThat(service.studiesOf(RESEARCHER).toString()).doesNotContain(text);
    }

    @Test
    void aStudyWithoutSecretFailsNamingTheStudy() {
        assertThatThrownBy(() -> service.studySecret(STUDY0))
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessageContaining(STUDY0);
    }

    @Test
    void aMissingSecretVariableIsNamedWithStudyAndReference() {
        studies.save(new Study("RT-LUNG-2027", "Lung").pseudonymization("rt-research",
                "env:DICOMSTAGE_TEST_SECRET_THAT_IS_NOT_SET").archive("project", true, false));

        assertThatThrownBy(() -> service.studySecret("RT-LUNG-2027"))
                .isInstanceOf(StudySecretUnavailable.class)
                .hasMessageContaining("RT-LUNG-2027")
                .hasMessageContaining("env:DICOMSTAGE_TEST_SECRET_THAT_IS_NOT_SET");
    }

    // ---------------------------------------------------------------- audit

    @Test
    void auditPagesAreNewestFirstPerUserAndPerStudy() {
        for (int i = 1; i <= 5; i++) {
            service.record("pager", "ACTION_" + i, "PAGED-STUDY", "PID-000" + i, "event " + i);
        }
        service.record("someone-else", "OTHER", "PAGED-STUDY", null, null);

        AuditPage first = service.auditFor("pager", 0, 2);
        assertThat(first.events()).extracting(AuditEventView::action).containsExactly("ACTION_5", "ACTION_4");
        assertThat(first.totalEvents()).isEqualTo(5);
        assertThat(first.hasNext()).isTrue();
        AuditPage last = service.auditFor("pager", 2, 2);
        assertThat(last.events()).extracting(AuditEventView::action).containsExactly("ACTION_1");
        assertThat(last.hasNext()).isFalse();
        assertThat(last.events().get(0).occurredAt()).isBefore(first.events().get(1).occurredAt());

        assertThat(service.auditForStudy("PAGED-STUDY", 0, 3).events()).extracting(AuditEventView::action)
                .containsExactly("OTHER", "ACTION_5", "ACTION_4");
        assertThat(service.auditForStudy("PAGED-STUDY", 0, 3).totalEvents()).isEqualTo(6);
    }

    @Test
    void aStudyTrailIsForCoordinatorsAndAdminsOnly() {
        service.activateStudy(RESEARCHER, RT_HN_2026);

        assertThat(service.auditForStudy(COORDINATOR, RT_HN_2026, 0, 10).events())
                .extracting(AuditEventView::username).contains(RESEARCHER);
        assertThat(service.auditForStudy(ADMIN, RT_HN_2026, 0, 10).totalEvents()).isPositive();
        assertThatThrownBy(() -> service.auditForStudy(RESEARCHER, RT_HN_2026, 0, 10))
                .isInstanceOf(StudyAccessDenied.class).hasMessageContaining(RESEARCHER);
        assertThatThrownBy(() -> service.auditForStudy(OUTSIDER, RT_HN_2026, 0, 10))
                .isInstanceOf(StudyAccessDenied.class);
    }

    @Test
    void longDetailsAreShortenedToFitTheColumn() {
        service.record("verbose", "LONG", null, null, "x".repeat(5000));

        assertThat(service.auditFor("verbose", 0, 1).events().get(0).detail()).hasSize(2000).endsWith("…");
    }

    // ---------------------------------------------------------------- seeding

    @Test
    void demoDataIsSeededOnce() {
        assertThat(demo.seed()).isFalse();
        assertThat(service.studiesOf(ADMIN)).extracting(StudySummary::identifier)
                .containsExactly(RT_HN_2026, STUDY0);
        assertThat(service.studiesOf(COORDINATOR)).extracting(StudySummary::role).containsExactly(Role.COORDINATOR);
        assertThat(service.searchSubjects(ADMIN, RT_HN_2026, "").total())
                .isEqualTo(DemoStudyData.NUMBERED_SUBJECTS + 1);
        assertThat(service.studyForStaging(STUDY0).source()).isTrue();
        assertThat(List.of(service.studyForStaging(RT_HN_2026).dicomEnabled(),
                service.studyForStaging(RT_HN_2026).source())).containsExactly(true, false);
    }
}
