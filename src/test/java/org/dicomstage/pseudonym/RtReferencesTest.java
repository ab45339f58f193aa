package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** CT, RTSTRUCT, RTPLAN and RTDOSE pseudonymized one by one, as separate staging jobs would. */
class RtReferencesTest {

    private static final String FIXTURE_RS_UID = "1.2.840.10008.5.1.4.1.1.481.3.1535997926";

    @TempDir
    Path out;

    @Test
    void referencesStayConsistentAcrossSeparatePseudonymizers() throws Exception {
        Path rt = SharedData.rtSet();
        List<String> ctUids = new ArrayList<>();
        Set<String> ctSeries = new HashSet<>();
        Set<String> frames = new HashSet<>();
        for (int i = 1; i <= 5; i++) {
            Path target = out.resolve("CT." + i + ".dcm");
            Fixtures.rtResearch("SUBJ-9").pseudonymize(rt.resolve("CT").resolve("CT." + i + ".dcm"), target);
            AttributeList ct = DicomFiles.read(target);
            ctUids.add(value(ct, TagFromName.SOPInstanceUID));
            ctSeries.add(value(ct, TagFromName.SeriesInstanceUID));
            frames.add(value(ct, TagFromName.FrameOfReferenceUID));
        }
        for (String name : List.of("RS.dcm", "RP.dcm", "RD.dcm")) {
            Fixtures.rtResearch("SUBJ-9").pseudonymize(rt.resolve(name), out.resolve(name));
        }
        AttributeList rs = DicomFiles.read(out.resolve("RS.dcm"));
        AttributeList rp = DicomFiles.read(out.resolve("RP.dcm"));
        AttributeList rd = DicomFiles.read(out.resolve("RD.dcm"));
        AttributeList sourceRs = DicomFiles.read(rt.resolve("RS.dcm"));

        assertThat(ctSeries).hasSize(1);
        assertThat(frames).hasSize(1);
        // The trap: an instance UID under the standard's root is mapped like any other instance UID.
        assertThat(value(sourceRs, TagFromName.SOPInstanceUID)).isEqualTo(FIXTURE_RS_UID);
        String rsUid = value(rs, TagFromName.SOPInstanceUID);
        assertThat(rsUid).isEqualTo(new UidMapper(Fixtures.SECRET).map(FIXTURE_RS_UID));

        assertThat(all(rs, tag("ContourImageSequence"), TagFromName.ReferencedSOPInstanceUID))
                .isNotEmpty().allMatch(ctUids::contains);
        assertThat(all(rs, tag("RTReferencedSeriesSequence"), TagFromName.SeriesInstanceUID))
                .containsOnly(ctSeries.iterator().next());
        assertThat(all(rs, tag("ReferencedFrameOfReferenceSequence"), TagFromName.FrameOfReferenceUID))
                .containsOnly(frames.iterator().next());
        assertThat(all(rp, tag("ReferencedStructureSetSequence"), TagFromName.ReferencedSOPInstanceUID))
                .containsOnly(rsUid);
        assertThat(all(rd, tag("ReferencedRTPlanSequence"), TagFromName.ReferencedSOPInstanceUID))
                .containsOnly(value(rp, TagFromName.SOPInstanceUID));
        for (AttributeList list : List.of(rs, rp, rd)) {
            assertThat(value(list, TagFromName.StudyInstanceUID)).isEqualTo(value(DicomFiles.read(out.resolve("CT.1.dcm")),
                    TagFromName.StudyInstanceUID));
            assertThat(value(list, TagFromName.SOPClassUID)).startsWith("1.2.840.10008.5.1.4.1.1.481.");
            assertThat(all(list, null, TagFromName.ReferencedSOPClassUID)).allMatch(UidMapper::isStandardUid);
        }
    }

    @Test
    void leavesNoIdentifierOfTheRtPatientAndNoPrivateTags() throws Exception {
        Path rt = SharedData.rtSet();
        List<String> identifiers = List.of("Becker", "Matthew", "HNC-0522c0009", "HNC0522c0009", "19691231", "CTP");
        for (String name : List.of("CT/CT.1.dcm", "RS.dcm", "RP.dcm", "RD.dcm")) {
            Path target = out.resolve(name.replace('/', '_'));
            Fixtures.basic("SUBJ-9").pseudonymize(rt.resolve(name), target);
            AttributeList written = DicomFiles.read(target);

            assertThat(org.dicomstage.testing.PhiScanner.residues(written, identifiers)).as(name).isEmpty();
            assertThat(PseudonymizerTest.privateTags(written)).as(name).isEmpty();
            assertThat(value(written, TagFromName.PatientName)).isEqualTo("SUBJ-9");
        }
    }

    private static AttributeTag tag(String keyword) {
        return DicomDictionary.StandardDictionary.getTagFromName(keyword);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    /** Values of {@code wanted} anywhere inside {@code within} (or anywhere at all when null). */
    static List<String> all(AttributeList list, AttributeTag within, AttributeTag wanted) {
        List<String> values = new ArrayList<>();
        collect(list, within, wanted, within == null, values);
        return values;
    }

    private static void collect(AttributeList list, AttributeTag within, AttributeTag wanted, boolean inside,
            List<String> values) {
        for (Attribute attribute : list.values()) {
            if (inside && attribute.getTag().equals(wanted)) {
                values.add(Attribute.getSingleStringValueOrEmptyString(list, wanted));
            }
            if (attribute instanceof SequenceAttribute sequence) {
                boolean now = inside || attribute.getTag().equals(within);
                for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                    SequenceItem item = sequence.getItem(i);
                    collect(item.getAttributeList(), within, wanted, now, values);
                }
            }
        }
    }
}
