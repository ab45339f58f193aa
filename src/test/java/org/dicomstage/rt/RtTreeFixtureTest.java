package org.dicomstage.rt;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.AttributeList;
import java.util.List;
import java.util.Set;
import org.dicomstage.dicom.SeriesEntry;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real ProKnow/TCIA set: CT ← RTSTRUCT ← RTPLAN (UNAPPROVED) ← RTDOSE, files without Part-10 header. */
class RtTreeFixtureTest {

    private static final String CT_SERIES = "1.3.6.1.4.1.22213.2.26558.2";
    private static final String RS_SERIES = "2.16.840.1.113669.1919.1535997926";
    private static final String RP_SERIES = "2.16.840.1.114337.1535997926";
    private static final String RD_SERIES = "2.16.840.1.114337.1.1.1535997926.0.1.3";

    private static RtTree tree;

    @BeforeAll
    static void build() {
        List<AttributeList> all = RtHeaders.readAll(SharedData.rtSet());
        List<SeriesEntry> series = RtHeaders.seriesOf(all);
        tree = RtTreeBuilder.build(series, RtHeaders.rtHeadersOf(all));
    }

    @Test
    void theCtIsTheOnlyRootAndCarriesStructureSetPlanAndDoseInAChain() {
        assertThat(tree.roots()).singleElement().satisfies(ct -> {
            assertThat(ct.kind()).isEqualTo(RtNodeKind.IMAGE_SERIES);
            assertThat(ct.seriesInstanceUID()).isEqualTo(CT_SERIES);
            assertThat(ct.label()).isEqualTo("CTs from rtog conversion");
            assertThat(ct.instanceCount()).isEqualTo(5);
        });
        RtNode rs = only(tree.roots().get(0).children());
        assertThat(rs.kind()).isEqualTo(RtNodeKind.RTSTRUCT);
        assertThat(rs.seriesInstanceUID()).isEqualTo(RS_SERIES);
        assertThat(rs.structureSetLabel()).isEqualTo("STRCTRLABEL");
        assertThat(rs.sopInstanceUIDs()).containsExactly("1.2.840.10008.5.1.4.1.1.481.3.1535997926");

        RtNode rp = only(rs.children());
        assertThat(rp.kind()).isEqualTo(RtNodeKind.RTPLAN);
        assertThat(rp.seriesInstanceUID()).isEqualTo(RP_SERIES);
        assertThat(rp.rtPlanLabel()).isEqualTo("APlan1");
        assertThat(rp.rtPlanName()).isEqualTo("Plan1");
        assertThat(rp.approvalStatus()).isEqualTo("UNAPPROVED");
        assertThat(rp.flagged()).isTrue();

        // The dose also references the structure set, but it belongs under its plan only.
        RtNode rd = only(rp.children());
        assertThat(rd.kind()).isEqualTo(RtNodeKind.RTDOSE);
        assertThat(rd.seriesInstanceUID()).isEqualTo(RD_SERIES);
        assertThat(rd.children()).isEmpty();
        assertThat(tree.nodes()).filteredOn(n -> n.kind() == RtNodeKind.RTDOSE).hasSize(1);
        assertThat(tree.nodes()).noneMatch(n -> n.isDangling() || !n.danglingReferences().isEmpty());
    }

    @Test
    void selectingTheStructureSetSelectsPlanAndDoseAndWarnsAboutTheUnapprovedPlan() {
        RtNode rs = only(tree.roots().get(0).children());

        RtSelection selection = tree.closure(Set.of(rs.id()));

        assertThat(selection.seriesInstanceUIDs()).containsExactly(RS_SERIES, RP_SERIES, RD_SERIES);
        assertThat(selection.nodeIds()).hasSize(3).contains(rs.id());
        assertThat(selection.warnings()).containsExactly("RTPLAN 'APlan1' is UNAPPROVED");
    }

    @Test
    void selectingTheCtSelectsEverything() {
        RtSelection selection = tree.closure(Set.of(tree.roots().get(0).id()));

        assertThat(selection.seriesInstanceUIDs()).containsExactlyInAnyOrder(CT_SERIES, RS_SERIES, RP_SERIES,
                RD_SERIES);
    }

    @Test
    void theChecklistShowsTheChainIndentedWithThePlanFlagged() {
        List<RtTree.Row> rows = tree.rows();

        assertThat(rows).extracting(RtTree.Row::depth).containsExactly(0, 1, 2, 3);
        assertThat(rows).extracting(RtTree.Row::kind).containsExactly(RtNodeKind.IMAGE_SERIES,
                RtNodeKind.RTSTRUCT, RtNodeKind.RTPLAN, RtNodeKind.RTDOSE);
        assertThat(rows.get(0).label()).isEqualTo("CT\u00A0\u00A0CTs from rtog conversion (5 instances)");
        assertThat(rows.get(2).label())
                .isEqualTo(RtTree.INDENT.repeat(2) + "RTPLAN\u00A0\u00A0APlan1 \u2014 UNAPPROVED \u26A0");
        assertThat(rows.get(2).flagged()).isTrue();
        assertThat(rows).extracting(RtTree.Row::value).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(tree.node(id)).isPresent());
    }

    @Test
    void onlyRtSeriesNeedTheirHeadersFetched() {
        assertThat(RtTreeBuilder.needsHeaders("RTSTRUCT")).isTrue();
        assertThat(RtTreeBuilder.needsHeaders("rtdose")).isTrue();
        assertThat(List.of("RTPLAN", "RTIMAGE", "RTRECORD", "REG", "SEG")).allMatch(RtTreeBuilder::needsHeaders);
        assertThat(List.of("CT", "MR", "PT", "SR")).noneMatch(RtTreeBuilder::needsHeaders);
        assertThat(RtTreeBuilder.needsHeaders(null)).isFalse();
    }

    static RtNode only(List<RtNode> nodes) {
        assertThat(nodes).hasSize(1);
        return nodes.get(0);
    }
}
