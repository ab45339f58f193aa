package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dicomstage.study.DemoStudyData.RESEARCHER;
import static org.dicomstage.study.DemoStudyData.RT_FIXTURE_PID;
import static org.dicomstage.study.DemoStudyData.RT_HN_2026;
import static org.dicomstage.study.StagingRequestTest.CT;
import static org.dicomstage.study.StagingRequestTest.RTDOSE;
import static org.dicomstage.study.StagingRequestTest.RTPLAN;
import static org.dicomstage.study.StagingRequestTest.RTSTRUCT;
import static org.dicomstage.study.StagingRequestTest.STUDY_UID;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.context.annotation.Import;

/** The In project column per series: what a researcher reads before picking a series again. */
@DataJpaTest
@Import({StudyService.class, StudySecrets.class, DemoStudyData.class, SeriesProjectStatuses.class})
class SeriesProjectStatusesTest {

    @Autowired
    StudyService service;
    @Autowired
    SeriesProjectStatuses statuses;
    @Autowired
    DemoStudyData demo;

    @BeforeEach
    void seed() {
        demo.seed();
    }

    private long request() {
        return service.createStagingRequest(new NewStagingRequest(RESEARCHER, RT_HN_2026, RT_FIXTURE_PID, STUDY_UID));
    }

    private Map<String, SeriesProjectStatus> now() {
        return statuses.of(RT_HN_2026, RT_FIXTURE_PID, STUDY_UID);
    }

    private String label(SeriesSelection series) {
        return SeriesProjectStatuses.of(now(), series.seriesInstanceUid()).label();
    }

    @Test
    void eachSeriesSaysItsOwnStatusNotTheStudysCount() {
        long accepted = request();
        service.addSeries(accepted, List.of(CT, RTSTRUCT), List.of());
        service.markSeries(accepted, CT.seriesInstanceUid(), SeriesStatus.VERIFIED, 5, null, "2.25.1");
        service.markSeries(accepted, RTSTRUCT.seriesInstanceUid(), SeriesStatus.VERIFIED, 1, null, "2.25.2");
        service.closeRequest(accepted, RequestOutcome.ACCEPTED);
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        assertThat(label(CT)).isEqualTo("Yes, " + today + " (request #" + accepted + ")");
        assertThat(label(RTPLAN)).isEqualTo("No");
        assertThat(SeriesProjectStatuses.of(now(), RTPLAN.seriesInstanceUid()).inProject()).isFalse();

        // A new request: the plan is being staged, the dose failed, the structure set is staged again and held.
        long open = request();
        service.addSeries(open, List.of(RTPLAN, RTDOSE, RTSTRUCT), List.of());
        service.markSeries(open, RTPLAN.seriesInstanceUid(), SeriesStatus.STAGING, 0, null, null);
        service.markSeries(open, RTDOSE.seriesInstanceUid(), SeriesStatus.FAILED, 0,
                "java.io.IOException: No space left on device writing /tmp/dicomstage-stage-123/a.dcm", null);
        service.markSeries(open, RTSTRUCT.seriesInstanceUid(), SeriesStatus.VERIFIED, 1, null, "2.25.2");

        assertThat(label(RTPLAN)).isEqualTo("No; being staged (request #" + open + ")");
        assertThat(label(RTDOSE)).isEqualTo("No; failed: No space left on device writing a file on the server"
                + " (request #" + open + ")");
        assertThat(label(RTSTRUCT)).isEqualTo("Yes, " + today + " (request #" + accepted + "); held for review"
                + " (request #" + open + ")");
        assertThat(label(CT)).isEqualTo("Yes, " + today + " (request #" + accepted + ")");

        // Aborted: nothing of it counts as in the project, and nothing is under way any more.
        service.closeRequest(open, RequestOutcome.ABORTED);
        assertThat(label(RTPLAN)).isEqualTo("No");
        assertThat(label(RTDOSE)).isEqualTo("No");
    }

    @Test
    void failureReasonsInWordsCarryNoServerPathsOrClassNames() {
        assertThat(SeriesProjectStatus.inWords("org.dicomstage.staging.StagingException: C-GET from node 'study0' "
                + "failed: /var/lib/dicomstage/work/x.dcm missing")).isEqualTo(
                "C-GET from node 'study0' failed: a file on the server missing");
        assertThat(SeriesProjectStatus.inWords(null)).isEqualTo("reason not recorded");
    }
}
