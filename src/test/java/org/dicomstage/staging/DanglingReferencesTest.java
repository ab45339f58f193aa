package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.dicom.EmbeddedNode;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ProKnow/TCIA RT set (CT ← RTSTRUCT ← RTPLAN ← RTDOSE): a dose copied without its plan is reported with
 * the labels a reviewer knows, never with the keyed UIDs the copy carries.
 */
class DanglingReferencesTest {

    private static final byte[] SECRET = "study-secret-for-tests-0123456789".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aDoseCopiedWithoutItsPlanNamesDoseAndPlanByTheirLabels() {
        try (EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", dir.resolve("study0"), 0, 2);
                EmbeddedArchive holding = new EmbeddedArchive("HOLDING", dir.resolve("holding"), 0, 2)) {
            study0.importDirectory(SharedData.rtSet());
            StagingService staging = new StagingService(2);
            SeriesStagingSpec dose = spec(study0, holding, SharedData.RT_DOSE_SERIES_UID);
            assertThat(staging.stage(dose).status()).isEqualTo(StageResult.Status.STAGED);

            SeriesVerification v = staging.verify(dose);

            assertThat(v.verified()).as(String.join("; ", v.problems())).isTrue();
            assertThat(v.warnings()).contains("dangling reference: RTDOSE 'Dose PLAN' references RTPLAN 'APlan1',"
                    + " which is not in this copy (node 'holding')");
            assertThat(v.warnings()).allSatisfy(w -> assertThat(w).doesNotContainPattern("\\d+\\.\\d+\\.\\d+"));
        }
    }

    @Test
    void theStructureSetCopiedAloneNamesTheCtItDrawsOn() {
        try (EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", dir.resolve("study0"), 0, 2);
                EmbeddedArchive holding = new EmbeddedArchive("HOLDING", dir.resolve("holding"), 0, 2)) {
            study0.importDirectory(SharedData.rtSet());
            StagingService staging = new StagingService(2);
            SeriesStagingSpec rs = spec(study0, holding, SharedData.RT_STRUCTURE_SET_SERIES_UID);
            assertThat(staging.stage(rs).status()).isEqualTo(StageResult.Status.STAGED);

            SeriesVerification v = staging.verify(rs);

            // The structure set names the CT series and its five slices: one line, counting the slices.
            assertThat(v.warnings()).containsExactly("dangling reference: RTSTRUCT 'STRCTRLABEL' references 5"
                    + " instances of CT 'CTs from rtog conversion', which is not in this copy (node 'holding')");
            assertThat(v.warnings()).allSatisfy(w -> assertThat(w).doesNotContainPattern("\\d+\\.\\d+\\.\\d+"));
        }
    }

    private static SeriesStagingSpec spec(EmbeddedArchive study0, EmbeddedArchive holding, String series) {
        return new SeriesStagingSpec(new EmbeddedNode("study0", study0), new EmbeddedNode("holding", holding),
                PseudonymizationProfile.builtin("rt-research"),
                new PseudonymContext(SECRET, "HN-RT-01", new ClinicalTrial("Sponsor", "P1", "Prot", "S1", "Site")),
                SharedData.RT_STUDY_UID, series);
    }
}
