package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.dicomstage.testing.DicomFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A public attribute that neither Table E.1-1 nor PixelMed's dictionary knows is removed unless the profile keeps
 * it, and is named wherever the result is reported; one whose value arrives unreadable (UN, e.g. a newer RT tag in
 * an implicit-VR file) is never dropped unnoticed.
 */
class UnknownAttributesTest {

    /** An even-group tag in neither Table E.1-1 nor PixelMed's dictionary. */
    private static final AttributeTag UNKNOWN = new AttributeTag(0x3010, 0x0101);
    /** ROI DateTime: in Table E.1-1 (2024a), not in PixelMed's dictionary. */
    private static final AttributeTag ROI_DATE_TIME = new AttributeTag(0x3006, 0x002D);

    @TempDir
    Path dir;

    @Test
    void anAttributeNobodyKnowsIsRemovedAndNamedInTheDryRun() throws Exception {
        AttributeList source = minimal();
        put(source, UNKNOWN, "LO", "12 Main Street");
        Pseudonymizer pseudonymizer = Fixtures.rtResearch("SUBJ-1");

        AttributeList result = pseudonymizer.pseudonymize(source);
        DryRunReport report = pseudonymizer.dryRun(source);

        assertThat(result.get(UNKNOWN)).isNull();
        assertThat(report.unknownAttributesRemoved()).containsExactly("(3010,0101)");
        assertThat(report.changes()).anySatisfy(e -> {
            assertThat(e.tag()).isEqualTo("(3010,0101)");
            assertThat(e.action()).isEqualTo(DryRunReport.Action.REMOVE);
            assertThat(e.reason()).contains("neither Table E.1-1 nor the dictionary");
        });
        assertThat(pseudonymizer.unknownAttributesRemoved()).containsExactly("(3010,0101)");
    }

    @Test
    void aProfileMayKeepAnAttributeNobodyKnows() throws Exception {
        AttributeList source = minimal();
        put(source, UNKNOWN, "LO", "beam model 7");
        PseudonymizationProfile profile = PseudonymizationProfile.parse("""
                name: keeps-one
                keepUnknownAttributes: ["3010,0101"]
                """);
        Pseudonymizer pseudonymizer = new Pseudonymizer(profile, Fixtures.context("SUBJ-1"));

        AttributeList result = pseudonymizer.pseudonymize(source);

        assertThat(Attribute.getSingleStringValueOrEmptyString(result, UNKNOWN)).isEqualTo("beam model 7");
        assertThat(pseudonymizer.unknownAttributesRemoved()).isEmpty();
    }

    /** Implicit VR: a tag the dictionary does not know arrives as UN, and cannot be shifted, cleaned or kept. */
    @Test
    void anUnreadableAttributeInAnImplicitVrFileIsRemovedAndNamed() throws Exception {
        AttributeList source = minimal();
        put(source, UNKNOWN, "LO", "12 Main Street");
        put(source, ROI_DATE_TIME, "DT", "20240315101010");
        Path in = dir.resolve("implicit.dcm");
        FileMetaInformation.addFileMetaInformation(source, TransferSyntax.ImplicitVRLittleEndian, "TEST");
        source.write(in.toFile(), TransferSyntax.ImplicitVRLittleEndian, true, true);
        Pseudonymizer pseudonymizer = Fixtures.rtResearch("SUBJ-1");

        pseudonymizer.pseudonymize(in, dir.resolve("out.dcm"));

        AttributeList written = DicomFiles.read(dir.resolve("out.dcm"));
        assertThat(written.get(UNKNOWN)).isNull();
        assertThat(written.get(ROI_DATE_TIME)).isNull();
        assertThat(pseudonymizer.unknownAttributesRemoved())
                .containsExactly("(3006,002D) ROIDateTime", "(3010,0101)");
        assertThat(pseudonymizer.dryRun(in).unknownAttributesRemoved())
                .containsExactly("(3006,002D) ROIDateTime", "(3010,0101)");
    }

    private static AttributeList minimal() throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.481.3");
        put(list, TagFromName.SOPInstanceUID, "UI", "1.2.3.4.5");
        put(list, TagFromName.PatientName, "PN", "Doe^Jane");
        return list;
    }

    private static void put(AttributeList list, AttributeTag tag, String vr, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII));
        attribute.addValue(value);
        list.put(attribute);
    }
}
