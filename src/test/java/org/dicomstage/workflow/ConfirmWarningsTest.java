package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.pixelmed.dicom.AttributeList;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.dicom.EmbeddedNode;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.rt.RtTree;
import org.dicomstage.rt.RtTreeBuilder;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Confirm warnings of the real ProKnow/TCIA RT set (CT ← RTSTRUCT ← RTPLAN (UNAPPROVED) ← RTDOSE), built as
 * expand-selection builds them: from the archive's series list and the RT headers. What the Confirm form would show
 * for an unticking is computed here as its FEEL does: rows of ticked series whose reference is unticked or absent.
 */
class ConfirmWarningsTest {

    private static final String CT = SharedData.RT_CT_SERIES_UID;
    private static final String RS = SharedData.RT_STRUCTURE_SET_SERIES_UID;
    private static final String RP = SharedData.RT_PLAN_SERIES_UID;
    private static final String RD = SharedData.RT_DOSE_SERIES_UID;

    @TempDir
    static Path dir;
    private static List<Map<String, Object>> rows;

    @BeforeAll
    static void build() {
        try (EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", dir.resolve("study0"), 0, 2)) {
            study0.importDirectory(SharedData.rtSet());
            EmbeddedNode node = new EmbeddedNode("study0", study0);
            List<SeriesEntry> series = node.findSeries(SharedData.RT_STUDY_UID);
            List<AttributeList> headers = new ArrayList<>();
            for (SeriesEntry s : series) {
                if (RtTreeBuilder.needsHeaders(s.modality())) {
                    headers.addAll(node.retrieveHeaders(s.studyInstanceUID(), s.seriesInstanceUID()));
                }
            }
            RtTree tree = RtTreeBuilder.build(series, headers);
            rows = ConfirmWarnings.of(tree, Set.of(CT, RS, RP, RD));
        }
    }

    @Test
    void everythingTickedFlagsOnlyTheUnapprovedPlanByName() {
        assertThat(shownFor(CT, RS, RP, RD)).containsExactly("RTPLAN 'APlan1' is UNAPPROVED");
    }

    @Test
    void untickingThePlanWarnsThatTheDoseReferencesIt() {
        assertThat(shownFor(CT, RS, RD)).containsExactly(
                "RTDOSE 'Dose PLAN' references plan 'APlan1', which will not be copied");
    }

    @Test
    void untickingTheCtAndTheStructureSetNamesBothReferences() {
        assertThat(shownFor(RP, RD)).containsExactlyInAnyOrder("RTPLAN 'APlan1' is UNAPPROVED",
                "RTPLAN 'APlan1' references structure set 'STRCTRLABEL', which will not be copied");
        assertThat(shownFor(RS)).containsExactly(
                "RTSTRUCT 'STRCTRLABEL' references CT series 'CTs from rtog conversion', which will not be copied");
    }

    @Test
    void untickingWhatNothingTickedReferencesWarnsOfNothing() {
        assertThat(shownFor(CT, RS)).isEmpty();
        assertThat(shownFor(CT)).isEmpty();
    }

    @Test
    void noWarningCarriesAUid() {
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat((String) r.get(ConfirmWarnings.WARNING))
                .doesNotContainPattern("\\d+\\.\\d+\\.\\d+"));
    }

    /** What the Confirm form shows while exactly these series are ticked. */
    private static List<String> shownFor(String... ticked) {
        Set<String> t = new LinkedHashSet<>(List.of(ticked));
        return rows.stream().filter(r -> t.contains((String) r.get(ConfirmWarnings.SERIES)))
                .filter(r -> r.get(ConfirmWarnings.REFERENCED_SERIES) == null
                        || !t.contains((String) r.get(ConfirmWarnings.REFERENCED_SERIES)))
                .map(r -> (String) r.get(ConfirmWarnings.WARNING)).toList();
    }
}
