package org.dicomstage.rt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dicomstage.rt.RtHeaders.dose;
import static org.dicomstage.rt.RtHeaders.entry;
import static org.dicomstage.rt.RtHeaders.plan;
import static org.dicomstage.rt.RtHeaders.referencingPlans;
import static org.dicomstage.rt.RtHeaders.registration;
import static org.dicomstage.rt.RtHeaders.segmentation;
import static org.dicomstage.rt.RtHeaders.structureSet;
import static org.dicomstage.rt.RtTreeFixtureTest.only;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.dicomstage.dicom.SeriesEntry;
import org.junit.jupiter.api.Test;

/** Study shapes the real fixture does not have, built in memory. */
class RtTreeSyntheticTest {

    private static final String CT = "2.25.11";
    private static final String MR = "2.25.12";
    private static final String RS_SERIES = "2.25.21";
    private static final String RS = "2.25.21.1";
    private static final String RP_SERIES_A = "2.25.31";
    private static final String RP_A = "2.25.31.1";
    private static final String RP_SERIES_B = "2.25.32";
    private static final String RP_B = "2.25.32.1";
    private static final String RD_SERIES = "2.25.41";

    private static SeriesEntry ct() {
        return entry(CT, "CT", "Planning CT", 120);
    }

    private static SeriesEntry mr() {
        return entry(MR, "MR", "T1 post", 60);
    }

    private static SeriesEntry rt(String seriesUid, String modality, int count) {
        return entry(seriesUid, modality, null, count);
    }

    private static RtNode child(RtNode parent, RtNodeKind kind) {
        return only(parent.children().stream().filter(c -> c.kind() == kind).toList());
    }

    private static RtNode root(RtTree tree, String seriesUid) {
        return only(tree.roots().stream().filter(r -> seriesUid.equals(r.seriesInstanceUID())).toList());
    }

    @Test
    void twoPlansOnOneStructureSetEachWithItsDoseOnlyTheUnapprovedIsFlagged() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1),
                        rt(RP_SERIES_B, "RTPLAN", 1), rt("2.25.41", "RTDOSE", 1), rt("2.25.42", "RTDOSE", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT),
                        plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                        plan(RP_SERIES_B, RP_B, "PLAN_B", "UNAPPROVED", RS),
                        dose("2.25.41", "2.25.41.1", RP_A, RS),
                        dose("2.25.42", "2.25.42.1", RP_B, RS)));

        RtNode rs = child(root(tree, CT), RtNodeKind.RTSTRUCT);
        assertThat(rs.children()).extracting(RtNode::rtPlanLabel).containsExactly("PLAN_A", "PLAN_B");
        RtNode planA = rs.children().get(0);
        RtNode planB = rs.children().get(1);
        assertThat(planA.approvalStatus()).isEqualTo("APPROVED");
        assertThat(planA.flagged()).isFalse();
        assertThat(planB.approvalStatus()).isEqualTo("UNAPPROVED");
        assertThat(planB.flagged()).isTrue();
        assertThat(only(planA.children()).sopInstanceUIDs()).containsExactly("2.25.41.1");
        assertThat(only(planB.children()).sopInstanceUIDs()).containsExactly("2.25.42.1");

        assertThat(tree.closure(Set.of(planA.id())).warnings()).isEmpty();
        RtSelection all = tree.closure(Set.of(rs.id()));
        assertThat(all.seriesInstanceUIDs()).hasSize(5);
        assertThat(all.warnings()).containsExactly("RTPLAN 'PLAN_B' is UNAPPROVED");
        assertThat(tree.rows()).extracting(RtTree.Row::label)
                .contains(RtTree.INDENT.repeat(2) + "RTPLAN\u00A0\u00A0PLAN_A \u2014 APPROVED",
                        RtTree.INDENT.repeat(2) + "RTPLAN\u00A0\u00A0PLAN_B \u2014 UNAPPROVED \u26A0");
    }

    @Test
    void aDoseSeriesWithOneDosePerPlanIsSplitUnderEachPlanAndStagedOnce() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1),
                        rt(RP_SERIES_B, "RTPLAN", 1), rt(RD_SERIES, "RTDOSE", 2)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT),
                        plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                        plan(RP_SERIES_B, RP_B, "PLAN_B", "APPROVED", RS),
                        dose(RD_SERIES, "2.25.41.1", RP_A, null),
                        dose(RD_SERIES, "2.25.41.2", RP_B, null)));

        RtNode rs = child(root(tree, CT), RtNodeKind.RTSTRUCT);
        RtNode doseA = only(rs.children().get(0).children());
        RtNode doseB = only(rs.children().get(1).children());
        assertThat(doseA.seriesInstanceUID()).isEqualTo(RD_SERIES).isEqualTo(doseB.seriesInstanceUID());
        assertThat(doseA.sopInstanceUIDs()).containsExactly("2.25.41.1");
        assertThat(doseA.instanceCount()).isEqualTo(1);
        assertThat(doseB.sopInstanceUIDs()).containsExactly("2.25.41.2");
        assertThat(doseA.id()).isNotEqualTo(doseB.id());

        RtSelection both = tree.closure(Set.of(doseA.id(), doseB.id()));
        assertThat(both.seriesInstanceUIDs()).containsExactly(RD_SERIES);
        assertThat(both.warnings()).isEmpty();

        RtSelection onlyA = tree.closure(Set.of(rs.children().get(0).id()));
        assertThat(onlyA.seriesInstanceUIDs()).containsExactly(RP_SERIES_A, RD_SERIES);
        assertThat(onlyA.warnings()).singleElement().asString()
                .contains("RTDOSE", "staged as a whole series", "1 of its 2 instances");
    }

    @Test
    void anObjectWithTwoParentsAppearsUnderEachWithItsSubtree() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), mr(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS on CT and MR", CT, MR),
                        plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS)));

        RtNode underCt = child(root(tree, CT), RtNodeKind.RTSTRUCT);
        RtNode underMr = child(root(tree, MR), RtNodeKind.RTSTRUCT);
        assertThat(underCt.id()).isNotEqualTo(underMr.id());
        assertThat(child(underCt, RtNodeKind.RTPLAN).rtPlanLabel()).isEqualTo("PLAN_A");
        assertThat(child(underMr, RtNodeKind.RTPLAN).rtPlanLabel()).isEqualTo("PLAN_A");
        assertThat(tree.roots()).extracting(RtNode::kind).containsOnly(RtNodeKind.IMAGE_SERIES);

        RtSelection both = tree.closure(Set.of(underCt.id(), underMr.id()));
        assertThat(both.seriesInstanceUIDs()).containsExactly(RS_SERIES, RP_SERIES_A);
        assertThat(both.nodeIds()).hasSize(4);
    }

    @Test
    void aDanglingPlanReferenceKeepsTheDoseVisibleAsAFlaggedRootWithAMissingChild() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RD_SERIES, "RTDOSE", 1)),
                List.of(dose(RD_SERIES, "2.25.41.1", "1.2.3", null)));

        RtNode rd = root(tree, RD_SERIES);
        assertThat(rd.kind()).isEqualTo(RtNodeKind.RTDOSE);
        assertThat(rd.danglingReferences()).containsExactly(new DanglingReference("plan", "RTPLAN", null, "1.2.3"));
        RtNode missing = only(rd.children());
        assertThat(missing.kind()).isEqualTo(RtNodeKind.DANGLING);
        assertThat(missing.sopInstanceUIDs()).containsExactly("1.2.3");
        assertThat(missing.instanceCount()).isZero();

        RtSelection selection = tree.closure(Set.of(rd.id()));
        assertThat(selection.seriesInstanceUIDs()).containsExactly(RD_SERIES);
        assertThat(selection.nodeIds()).containsExactly(rd.id(), missing.id());
        assertThat(selection.warnings())
                .containsExactly("RTDOSE 'Dose PLAN' references a plan that is not in Study0, so it cannot be copied");

        List<RtTree.Row> rows = tree.rows();
        assertThat(rows).extracting(RtTree.Row::label).contains(
                "RTDOSE\u00A0\u00A0Dose PLAN \u2014 references missing plan \u26A0",
                RtTree.INDENT + "MISSING\u00A0\u00A0plan 1.2.3 \u2014 not in this study");
        assertThat(rows).filteredOn(r -> r.value().equals(rd.id())).singleElement()
                .extracting(RtTree.Row::flagged).isEqualTo(true);
    }

    @Test
    void aDoseWithOnePresentAndOneMissingPlanHangsUnderThePresentOneAndShowsTheMissingOne() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1), rt(RD_SERIES, "RTDOSE", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT),
                        plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                        dose(RD_SERIES, "2.25.41.1", null, null)));
        assertThat(root(tree, RD_SERIES).danglingReferences()).isEmpty();

        AttributeList sumDose = dose(RD_SERIES, "2.25.41.1", null, null);
        sumDose.put(RtHeaders.sequence(RtTags.ReferencedRTPlanSequence, RP_A, "9.9.9"));
        tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1), rt(RD_SERIES, "RTDOSE", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT), plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                        sumDose));

        RtNode rd = child(child(child(root(tree, CT), RtNodeKind.RTSTRUCT), RtNodeKind.RTPLAN), RtNodeKind.RTDOSE);
        assertThat(rd.danglingReferences()).extracting(DanglingReference::sopInstanceUID).containsExactly("9.9.9");
        assertThat(only(rd.children()).kind()).isEqualTo(RtNodeKind.DANGLING);
        assertThat(tree.roots()).extracting(RtNode::seriesInstanceUID).containsExactly(CT);
    }

    @Test
    void aStructureSetOnAMissingCtIsARootAndItsPlansStillHangUnderIt() {
        RtTree tree = RtTreeBuilder.build(
                List.of(rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", "2.25.999"),
                        plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS)));

        RtNode rs = only(tree.roots());
        assertThat(rs.kind()).isEqualTo(RtNodeKind.RTSTRUCT);
        assertThat(rs.danglingReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.relation()).isEqualTo("image series");
            assertThat(ref.seriesInstanceUID()).isEqualTo("2.25.999");
        });
        assertThat(rs.children()).extracting(RtNode::kind).containsExactly(RtNodeKind.RTPLAN, RtNodeKind.DANGLING);
    }

    @Test
    void registrationAndSegmentationHangUnderTheSeriesTheyReference() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), mr(), rt("2.25.51", "REG", 1), rt("2.25.61", "SEG", 1)),
                List.of(registration("2.25.51", "2.25.51.1", CT, MR),
                        segmentation("2.25.61", "2.25.61.1", CT)));

        assertThat(child(root(tree, CT), RtNodeKind.REG).seriesInstanceUID()).isEqualTo("2.25.51");
        assertThat(child(root(tree, MR), RtNodeKind.REG).seriesInstanceUID()).isEqualTo("2.25.51");
        assertThat(child(root(tree, CT), RtNodeKind.SEG).seriesInstanceUID()).isEqualTo("2.25.61");
        assertThat(root(tree, MR).children()).extracting(RtNode::kind).containsExactly(RtNodeKind.REG);
        assertThat(tree.roots()).hasSize(2);
        assertThat(tree.nodes()).noneMatch(RtNode::isDangling);
    }

    @Test
    void aRegistrationFoundOnlyThroughItsRegisteredImagesStillFindsTheirSeries() {
        AttributeList reg = RtHeaders.header("REG", SOPClass.SpatialRegistrationStorage, "2.25.51", "2.25.51.1");
        AttributeList item = new AttributeList();
        item.put(RtHeaders.sequence(RtTags.ReferencedImageSequence, CT + ".1"));
        SequenceAttribute registrations = new SequenceAttribute(RtTags.RegistrationSequence);
        registrations.addItem(item);
        reg.put(registrations);

        // The structure set names which series the CT slice belongs to.
        RtTree tree = RtTreeBuilder.build(List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt("2.25.51", "REG", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT), reg));

        assertThat(child(root(tree, CT), RtNodeKind.REG).danglingReferences()).isEmpty();
    }

    @Test
    void rtImageAndTreatmentRecordHangUnderThePlan() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1),
                        rt("2.25.71", "RTIMAGE", 1), rt("2.25.81", "RTRECORD", 2)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT),
                        plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                        referencingPlans("RTIMAGE", SOPClass.RTImageStorage, "2.25.71", "2.25.71.1", RP_A),
                        referencingPlans("RTRECORD", SOPClass.RTBeamsTreatmentRecordStorage, "2.25.81",
                                "2.25.81.1", RP_A),
                        referencingPlans("RTRECORD", SOPClass.RTBeamsTreatmentRecordStorage, "2.25.81",
                                "2.25.81.2", RP_A)));

        RtNode plan = child(child(root(tree, CT), RtNodeKind.RTSTRUCT), RtNodeKind.RTPLAN);
        assertThat(plan.children()).extracting(RtNode::kind).containsExactly(RtNodeKind.RTIMAGE,
                RtNodeKind.RTRECORD);
        assertThat(child(plan, RtNodeKind.RTRECORD).instanceCount()).isEqualTo(2);
        assertThat(tree.closure(Set.of(plan.id())).seriesInstanceUIDs())
                .containsExactly(RP_SERIES_A, "2.25.71", "2.25.81");
    }

    @Test
    void anIonPlanWithoutModalityIsKnownByItsSopClassAndASummaryRecordHangsUnderItsRecords() {
        AttributeList ionPlan = plan(RP_SERIES_A, RP_A, "PROTON", "UNAPPROVED", RS);
        ionPlan.remove(RtTags.Modality);
        RtHeaders.put(ionPlan, RtTags.SOPClassUID, SOPClass.RTIonPlanStorage);
        AttributeList summary = RtHeaders.header("RTRECORD", SOPClass.RTTreatmentSummaryRecordStorage, "2.25.82",
                "2.25.82.1");
        summary.put(RtHeaders.sequence(RtTags.ReferencedTreatmentRecordSequence, "2.25.81.1"));

        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), entry(RP_SERIES_A, "", null, 1),
                        rt("2.25.81", "RTRECORD", 1), rt("2.25.82", "RTRECORD", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT), ionPlan,
                        referencingPlans("RTRECORD", SOPClass.RTIonBeamsTreatmentRecordStorage, "2.25.81",
                                "2.25.81.1", RP_A),
                        summary));

        RtNode plan = child(child(root(tree, CT), RtNodeKind.RTSTRUCT), RtNodeKind.RTPLAN);
        assertThat(plan.modality()).isEqualTo("RTPLAN");
        assertThat(plan.flagged()).isTrue();
        RtNode record = child(plan, RtNodeKind.RTRECORD);
        assertThat(child(record, RtNodeKind.RTRECORD).seriesInstanceUID()).isEqualTo("2.25.82");
    }

    @Test
    void aRejectedPlanIsFlaggedAndAPlanWithoutApprovalIsNot() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1), rt(RP_SERIES_B, "RTPLAN", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT),
                        plan(RP_SERIES_A, RP_A, "OLD", "REJECTED", RS),
                        plan(RP_SERIES_B, RP_B, "NOSTATUS", null, RS)));

        RtNode rs = child(root(tree, CT), RtNodeKind.RTSTRUCT);
        RtNode rejected = rs.children().stream().filter(p -> "OLD".equals(p.rtPlanLabel())).findFirst().orElseThrow();
        RtNode unknown = rs.children().stream().filter(p -> "NOSTATUS".equals(p.rtPlanLabel())).findFirst()
                .orElseThrow();
        assertThat(rejected.approvalStatus()).isEqualTo("REJECTED");
        assertThat(rejected.flagged()).isTrue();
        assertThat(unknown.approvalStatus()).isNull();
        assertThat(unknown.flagged()).isFalse();
        assertThat(tree.closure(Set.of(rs.id())).warnings()).containsExactly("RTPLAN 'OLD' is REJECTED");
        assertThat(tree.rows()).extracting(RtTree.Row::label)
                .contains(RtTree.INDENT.repeat(2) + "RTPLAN\u00A0\u00A0OLD \u2014 REJECTED \u26A0");
    }

    @Test
    void aDoseWithoutPlanReferenceHangsUnderItsStructureSet() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RD_SERIES, "RTDOSE", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT), dose(RD_SERIES, "2.25.41.1", null, RS)));

        RtNode rs = child(root(tree, CT), RtNodeKind.RTSTRUCT);
        assertThat(child(rs, RtNodeKind.RTDOSE).seriesInstanceUID()).isEqualTo(RD_SERIES);
    }

    @Test
    void aPlanReferencingAnotherPlanHangsUnderItAsWellAsUnderItsStructureSet() {
        AttributeList verification = plan("2.25.33", "2.25.33.1", "VERIF", "APPROVED", RS);
        verification.put(RtHeaders.sequence(RtTags.ReferencedRTPlanSequence, RP_A));
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), rt(RS_SERIES, "RTSTRUCT", 1), rt(RP_SERIES_A, "RTPLAN", 1), rt("2.25.33", "RTPLAN", 1)),
                List.of(structureSet(RS_SERIES, RS, "RS1", CT), plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                        verification));

        RtNode rs = child(root(tree, CT), RtNodeKind.RTSTRUCT);
        assertThat(rs.children()).extracting(RtNode::rtPlanLabel).containsExactly("PLAN_A", "VERIF");
        RtNode planA = rs.children().get(0);
        assertThat(only(planA.children()).rtPlanLabel()).isEqualTo("VERIF");
    }

    @Test
    void plansReferencingEachOtherInACircleEndUpVisibleOnce() {
        AttributeList a = plan(RP_SERIES_A, RP_A, "A", "APPROVED");
        a.put(RtHeaders.sequence(RtTags.ReferencedRTPlanSequence, RP_B));
        AttributeList b = plan(RP_SERIES_B, RP_B, "B", "APPROVED");
        b.put(RtHeaders.sequence(RtTags.ReferencedRTPlanSequence, RP_A));

        RtTree tree = RtTreeBuilder.build(List.of(rt(RP_SERIES_A, "RTPLAN", 1), rt(RP_SERIES_B, "RTPLAN", 1)),
                List.of(a, b));

        RtNode root = only(tree.roots());
        assertThat(root.rtPlanLabel()).isEqualTo("A");
        assertThat(only(root.children()).rtPlanLabel()).isEqualTo("B");
        assertThat(only(root.children()).children()).isEmpty();
    }

    @Test
    void unrelatedSeriesAndRtSeriesListedWithoutHeadersAreRootsTheLatterWithAWarning() {
        RtTree tree = RtTreeBuilder.build(
                List.of(ct(), entry("2.25.91", "SR", "Dose report", 1), rt(RP_SERIES_A, "RTPLAN", 1),
                        rt("2.25.92", "RTSTRUCT", 1)),
                List.of(plan(RP_SERIES_A, RP_A, "ALONE", "APPROVED")));

        assertThat(tree.roots()).extracting(RtNode::kind).containsExactly(RtNodeKind.IMAGE_SERIES,
                RtNodeKind.RTSTRUCT, RtNodeKind.RTPLAN, RtNodeKind.OTHER);
        assertThat(root(tree, RP_SERIES_A).danglingReferences()).isEmpty();
        assertThat(root(tree, RP_SERIES_A).warnings()).isEmpty();
        assertThat(root(tree, "2.25.92").warnings()).singleElement().asString().contains("without its headers");
        assertThat(root(tree, "2.25.91").label()).isEqualTo("Dose report");
    }

    @Test
    void aReferenceIntoASeriesListedWithoutHeadersIsNotCalledMissingOutright() {
        RtTree tree = RtTreeBuilder.build(List.of(ct(), rt(RP_SERIES_A, "RTPLAN", 1), rt(RD_SERIES, "RTDOSE", 1)),
                List.of(dose(RD_SERIES, "2.25.41.1", RP_A, null)));

        assertThat(root(tree, RD_SERIES).warnings()).singleElement().asString()
                .contains("references a plan", "headers were not loaded").doesNotContain(RP_A);
    }

    @Test
    void idsAndRowsDoNotDependOnTheOrderTheArchiveAnswersIn() {
        List<SeriesEntry> series = new ArrayList<>(List.of(ct(), mr(), rt(RS_SERIES, "RTSTRUCT", 1),
                rt(RP_SERIES_A, "RTPLAN", 1), rt(RP_SERIES_B, "RTPLAN", 1), rt(RD_SERIES, "RTDOSE", 2)));
        List<AttributeList> headers = new ArrayList<>(List.of(structureSet(RS_SERIES, RS, "RS1", CT, MR),
                plan(RP_SERIES_A, RP_A, "PLAN_A", "APPROVED", RS),
                plan(RP_SERIES_B, RP_B, "PLAN_B", "UNAPPROVED", RS),
                dose(RD_SERIES, "2.25.41.1", RP_A, null), dose(RD_SERIES, "2.25.41.2", RP_B, null)));
        List<RtTree.Row> first = RtTreeBuilder.build(series, headers).rows();

        Collections.reverse(series);
        Collections.reverse(headers);
        List<RtTree.Row> second = RtTreeBuilder.build(series, headers).rows();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void anIdFromAnOlderFormIsReportedNotStaged() {
        RtTree tree = RtTreeBuilder.build(List.of(ct()), List.of());

        RtSelection selection = tree.closure(Set.of("2.25.404"));

        assertThat(selection.seriesInstanceUIDs()).isEmpty();
        assertThat(selection.warnings()).singleElement().asString().contains("2.25.404", "not in the tree");
    }
}
