package org.dicomstage.study;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.transaction.annotation.Transactional;

/**
 * Demo accounts, studies and subjects for the local run and for tests. Import it ({@code @Import(DemoStudyData.class)})
 * and it seeds once the application has started; {@link #seed()} can also be called directly and does nothing the
 * second time.
 *
 * <p>Accounts: {@code researcher} (RT-HN-2026 with LOOKUP, STAGE, REVIEW; QOL-2025 with LOOKUP),
 * {@code coordinator} (COORDINATOR of RT-HN-2026 with LOOKUP, REVIEW, DOWNLOAD), {@code admin} (ADMIN of RT-HN-2026
 * with every right, and of STUDY0 with LOOKUP) and {@code outsider} (no membership).
 *
 * <p>Subjects PID-0001 to PID-0025 are enrolled in RT-HN-2026 as HN-001 to HN-025, alternating between Site A and
 * Site B, so a search shows the "more" hint; HNC-0522c0009, the patient of the shared RT fixture, as HN-RT-01 at
 * Site A. Every subject is also in STUDY0 under its PID, which is its PatientID there.
 *
 * <p>Demo secret: RT-HN-2026 refers to {@code env:DICOMSTAGE_SECRET_RT_HN_2026}. Importing this class adds
 * {@link #DEMO_SECRET} as the lowest-precedence value of that name, so the local run works without setup while a
 * real environment variable of that name still wins. The demo secret is public and protects nothing.
 */
public class DemoStudyData implements ApplicationRunner {

    public static final String STUDY0 = "STUDY0";
    public static final String RT_HN_2026 = "RT-HN-2026";
    /** A study without DICOM data, to show that such studies cannot be activated. */
    public static final String QOL_2025 = "QOL-2025";

    public static final String RESEARCHER = "researcher";
    public static final String COORDINATOR = "coordinator";
    public static final String ADMIN = "admin";
    public static final String OUTSIDER = "outsider";

    public static final String SITE_A = "site-a";
    public static final String SITE_B = "site-b";

    public static final String PROJECT_NODE = "project";
    /** Where staging writes until a copy is accepted (the workflow's holding node). */
    public static final String HOLDING_NODE = "holding";
    public static final String STUDY0_NODE = "study0";
    public static final String PROFILE = "rt-research";

    public static final String SECRET_VARIABLE = "DICOMSTAGE_SECRET_RT_HN_2026";
    public static final String DEMO_SECRET = "dicomstage-demo-secret-rt-hn-2026-not-for-real-data";

    /** PID of the patient in ../shared/data/rt/proknow-becker-hnc0522c0009 and its study subject ID. */
    public static final String RT_FIXTURE_PID = org.dicomstage.testing.SharedData.RT_PATIENT_ID;
    public static final String RT_FIXTURE_SUBJECT_ID = "HN-RT-01";

    public static final int NUMBERED_SUBJECTS = 25;

    private final SiteRepository sites;
    private final AppUserRepository users;
    private final StudyRepository studies;
    private final MembershipRepository memberships;
    private final SubjectRepository subjects;
    private final EnrolmentRepository enrolments;

    DemoStudyData(SiteRepository sites, AppUserRepository users, StudyRepository studies,
                  MembershipRepository memberships, SubjectRepository subjects, EnrolmentRepository enrolments,
                  ConfigurableEnvironment environment) {
        this.sites = sites;
        this.users = users;
        this.studies = studies;
        this.memberships = memberships;
        this.subjects = subjects;
        this.enrolments = enrolments;
        environment.getPropertySources().addLast(
                new MapPropertySource("dicomstage-demo-secrets", Map.of(SECRET_VARIABLE, DEMO_SECRET)));
    }

    public static String pid(int n) {
        return "PID-%04d".formatted(n);
    }

    public static String studySubjectId(int n) {
        return "HN-%03d".formatted(n);
    }

    @Override
    public void run(ApplicationArguments args) {
        seed();
    }

    /** Inserts the demo data unless RT-HN-2026 is already there; returns whether it inserted anything. */
    @Transactional
    public boolean seed() {
        if (studies.findByIdentifier(RT_HN_2026).isPresent()) {
            return false;
        }
        Site siteA = sites.save(new Site(SITE_A, "Site A"));
        Site siteB = sites.save(new Site(SITE_B, "Site B"));

        AppUser researcher = users.save(new AppUser(RESEARCHER, "Rita Researcher", siteA));
        AppUser coordinator = users.save(new AppUser(COORDINATOR, "Carl Coordinator", siteA));
        AppUser admin = users.save(new AppUser(ADMIN, "Ada Admin", siteB));
        users.save(new AppUser(OUTSIDER, "Otto Outsider", siteB));

        Study study0 = studies.save(new Study(STUDY0, "Study0 research archive")
                .archive(STUDY0_NODE, true, true));
        Study rt = studies.save(new Study(RT_HN_2026, "Adaptive radiotherapy of head and neck cancer")
                .protocol("RT-HN-2026-P01", "Adaptive RT in head and neck cancer, phase II", "DICOM Stage Demo Sponsor")
                .pseudonymization(PROFILE, "env:" + SECRET_VARIABLE)
                .archive(PROJECT_NODE, true, false));
        Study qol = studies.save(new Study(QOL_2025, "Quality of life after radiotherapy")
                .protocol("QOL-2025-P01", "Quality of life questionnaire follow-up", "DICOM Stage Demo Sponsor")
                .archive(null, false, false));

        memberships.save(new Membership(rt, researcher, Role.RESEARCHER,
                EnumSet.of(Right.LOOKUP, Right.STAGE, Right.REVIEW)));
        memberships.save(new Membership(qol, researcher, Role.RESEARCHER, Set.of(Right.LOOKUP)));
        memberships.save(new Membership(rt, coordinator, Role.COORDINATOR,
                EnumSet.of(Right.LOOKUP, Right.REVIEW, Right.DOWNLOAD)));
        memberships.save(new Membership(rt, admin, Role.ADMIN, EnumSet.allOf(Right.class)));
        memberships.save(new Membership(study0, admin, Role.ADMIN, Set.of(Right.LOOKUP)));

        for (int n = 1; n <= NUMBERED_SUBJECTS; n++) {
            enrol(pid(n), studySubjectId(n), rt, study0, n % 2 == 1 ? siteA : siteB);
        }
        enrol(RT_FIXTURE_PID, RT_FIXTURE_SUBJECT_ID, rt, study0, siteA);
        return true;
    }

    private void enrol(String pid, String studySubjectId, Study study, Study study0, Site site) {
        Subject subject = subjects.save(new Subject(pid));
        enrolments.save(new Enrolment(subject, study, studySubjectId, site));
        enrolments.save(new Enrolment(subject, study0, pid, site));
    }
}
