package org.dicomstage.rt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dicomstage.rt.RtTreeFixtureTest.only;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.dicomstage.testing.DemoRtPatientGenerator;
import org.dicomstage.testing.DemoRtPatientGenerator.DemoRtPatient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo patient the UI is shown with must read back as the RT tree it is meant to be. */
class RtDemoPatientTest {

    @TempDir
    static Path dir;

    private static DemoRtPatient patient;
    private static List<AttributeList> written;
    private static RtTree tree;

    @BeforeAll
    static void generate() throws Exception {
        patient = DemoRtPatientGenerator.write(dir.resolve("first"), "DEMO-0001", "Müller^Anna");
        written = RtHeaders.readAll(dir.resolve("first"));
        tree = RtTreeBuilder.build(RtHeaders.seriesOf(written), RtHeaders.rtHeadersOf(written));
    }

    @Test
    void everyFileIsPart10ExplicitVrLittleEndianOfThePatientInOneStudy() {
        assertThat(written).hasSize(patient.files().size()).hasSize(4 + 3 + 1 + 2 + 2);
        assertThat(written).allSatisfy(list -> {
            assertThat(string(list, TagFromName.TransferSyntaxUID)).isEqualTo(TransferSyntax.ExplicitVRLittleEndian);
            assertThat(string(list, TagFromName.PatientID)).isEqualTo("DEMO-0001");
            assertThat(string(list, TagFromName.PatientName)).isEqualTo("Müller^Anna");
            assertThat(string(list, TagFromName.StudyInstanceUID)).isEqualTo(patient.studyInstanceUID())
                    .startsWith("2.25.");
            assertThat(string(list, TagFromName.SOPInstanceUID)).startsWith("2.25.");
        });
        assertThat(written).extracting(list -> string(list, TagFromName.SOPClassUID)).containsOnly(
                SOPClass.CTImageStorage, SOPClass.MRImageStorage, SOPClass.RTStructureSetStorage,
                SOPClass.RTPlanStorage, SOPClass.RTDoseStorage);
        assertThat(written).extracting(list -> string(list, TagFromName.SOPInstanceUID)).doesNotHaveDuplicates();
    }

    @Test
    void theTreeIsCtStructureSetTwoPlansEachWithItsDoseAndTheMrAlone() {
        assertThat(tree.roots()).extracting(RtNode::modality).containsExactly("CT", "MR");
        RtNode ct = tree.roots().get(0);
        assertThat(ct.seriesInstanceUID()).isEqualTo(patient.ct().seriesInstanceUID());
        assertThat(ct.instanceCount()).isEqualTo(4);
        assertThat(tree.roots().get(1).children()).isEmpty();

        RtNode rs = only(ct.children());
        assertThat(rs.structureSetLabel()).isEqualTo("DEMO_RS");
        assertThat(rs.children()).extracting(RtNode::rtPlanLabel).containsExactly("PLAN_A", "PLAN_B");
        RtNode planA = rs.children().get(0);
        RtNode planB = rs.children().get(1);
        assertThat(planA.approvalStatus()).isEqualTo("APPROVED");
        assertThat(planA.flagged()).isFalse();
        assertThat(planB.approvalStatus()).isEqualTo("UNAPPROVED");
        assertThat(planB.flagged()).isTrue();
        assertThat(only(planA.children()).seriesInstanceUID()).isEqualTo(patient.doseA().seriesInstanceUID());
        assertThat(only(planB.children()).seriesInstanceUID()).isEqualTo(patient.doseB().seriesInstanceUID());
        assertThat(tree.nodes()).noneMatch(n -> n.isDangling() || !n.warnings().isEmpty() && !n.flagged());

        RtSelection selection = tree.closure(Set.of(ct.id()));
        assertThat(selection.seriesInstanceUIDs()).hasSize(6);
        assertThat(selection.warnings()).containsExactly("RTPLAN 'PLAN_B' is UNAPPROVED");
    }

    @Test
    void aNameOutsideLatin1SurvivesAndTwoPatientsShareNoUid() throws Exception {
        DemoRtPatient other = DemoRtPatientGenerator.write(dir.resolve("other"), "DEMO-0002", "山田^太郎");
        List<AttributeList> lists = RtHeaders.readAll(dir.resolve("other"));

        assertThat(lists).extracting(list -> string(list, TagFromName.PatientName)).containsOnly("山田^太郎");
        assertThat(other.studyInstanceUID()).isNotEqualTo(patient.studyInstanceUID());
        assertThat(other.ct().sopInstanceUIDs()).doesNotContainAnyElementsOf(patient.ct().sopInstanceUIDs());
    }

    @Test
    void onlyTheApprovedPlanNamesItsReviewer() {
        AttributeList planA = header(patient.planA().sopInstanceUID());
        AttributeList planB = header(patient.planB().sopInstanceUID());
        assertThat(string(planA, TagFromName.ReviewerName)).isEqualTo("Lindgren^Maja");
        // ReviewDate: Debian's TagFromName lacks the keyword.
        assertThat(string(planA, AttributeList.getDictionary().getTagFromName("ReviewDate"))).hasSize(8);
        assertThat(string(planB, TagFromName.ReviewerName)).isEmpty();
    }

    @Test
    void theStructureSetContoursEveryCtSliceAndTheDosesLieInTheCtFrameOfReference() {
        AttributeList rs = header(patient.rtStruct().sopInstanceUID());
        assertThat(AttributeList.findAllNestedReferencedSOPInstanceUIDs(rs))
                .containsAll(patient.ct().sopInstanceUIDs());
        String ctFrame = string(header(patient.ct().sopInstanceUID()), TagFromName.FrameOfReferenceUID);
        assertThat(string(header(patient.doseA().sopInstanceUID()), TagFromName.FrameOfReferenceUID))
                .isEqualTo(ctFrame);
        assertThat(string(header(patient.mr().sopInstanceUID()), TagFromName.FrameOfReferenceUID))
                .isNotEqualTo(ctFrame);
    }

    private static AttributeList header(String sop) {
        return written.stream().filter(l -> sop.equals(string(l, TagFromName.SOPInstanceUID))).findFirst()
                .orElseThrow();
    }

    private static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
