package org.dicomstage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A recorded job failure as the researcher reads it: no path, address, class name or UID, and what comes next. */
class FailureInWordsTest {

    private static final Instant RECORDED = Instant.parse("2026-12-02T10:44:40Z");

    @Test
    void anArchiveThatRefusedIsRetriedAtATimeAndNamesNoAddress() {
        FailureInWords f = FailureInWords.of("staging series CT 'Planning CT' (1.2.826.0.1.3680043.10.1.2.1) from node"
                + " 'study0' to node 'holding' failed: cannot connect to node 'study0' at 10.0.0.7:11112:"
                + " java.net.ConnectException: Connection refused (retry in 20 s, 3 left)", RECORDED, false);
        assertThat(f.problem()).isEqualTo("The archive did not answer.");
        assertThat(f.retryAt()).isEqualTo(Instant.parse("2026-12-02T10:45:00Z"));
        assertThat(f.next()).isEqualTo("a coordinator is notified if it keeps failing.");
    }

    @Test
    void noRetriesLeftOrAnIncidentMeansTheCoordinatorWasToldAndNothingIsRetriedByItself() {
        FailureInWords used = FailureInWords.of("staging series CT 'x' (1.2.3.4.5) from node 'study0' to node 'holding'"
                + " failed: read timed out (no retries left)", RECORDED, false);
        assertThat(used.retryAt()).isNull();
        assertThat(used.next()).contains("a coordinator has been notified");
        FailureInWords incident = FailureInWords.of("staging series CT 'x' (1.2.3.4.5) failed: Connection refused"
                + " (retry in 5 s, 4 left)", RECORDED, true);
        assertThat(incident.retryAt()).isNull();
        assertThat(incident.next()).contains("a coordinator has been notified");
    }

    @Test
    void aSeriesThatFailedAsAResultSaysWhyWithoutServerPathsAndWhatTheResearcherCanDo() {
        FailureInWords f = FailureInWords.of("2 of 3 instances; SOP instance 1.2.3.4.5.6 (/tmp/dicomstage-stage-42-1/3.in.dcm):"
                + " cannot be read", RECORDED, false);
        assertThat(f.problem()).doesNotContain("/tmp", "dicomstage-stage", "1.2.3.4.5.6").contains("cannot be read");
        assertThat(f.retryAt()).isNull();
        assertThat(f.next()).contains("stage the failed ones again, abort, or cancel the request");
    }
}
