package org.dicomstage.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dicomstage.testing.Dciodvfy;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects that may show identity in their pixels are refused, masked, or allowed only by the profile's choice. */
class PixelRulesTest {

    private static final Path CT = SharedData.rtSet().resolve("CT").resolve("CT.1.dcm");
    private static final String CT_SOP = SharedData.RT_CT_SOP_UIDS.get(0);

    /** A study profile that masks two regions of one (made-up) device's 512x512 images. */
    private static final String MASKING_PROFILE = """
            name: masking
            pixelData:
              - name: ACME console banner
                match: { manufacturer: ACME, model: Scan 1, rows: 512, columns: 512 }
                action: mask
                rectangles:
                  - { x: 200, y: 200, width: 100, height: 40 }
                  - { x: 400, y: 480, width: 112, height: 32 }
            """;

    @TempDir
    Path dir;

    @Test
    void bothShippedProfilesRefuseBurnedInAnnotationAndSecondaryCapture() throws Exception {
        Path flagged = variant(list -> DicomFiles.set(list, "BurnedInAnnotation", "YES"));
        Path capture = variant(list -> DicomFiles.set(list, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.7"));
        for (Pseudonymizer pseudonymizer : List.of(Fixtures.basic("SUBJ-1"), Fixtures.rtResearch("SUBJ-1"))) {
            assertThatThrownBy(() -> pseudonymizer.pseudonymize(flagged, dir.resolve("out-1.dcm")))
                    .isInstanceOf(PseudonymizationException.class)
                    .hasMessageContaining(flagged.toString()).hasMessageContaining("SOP instance " + CT_SOP)
                    .hasMessageContaining("pixel rule 'default: BurnedInAnnotation YES'");
            assertThatThrownBy(() -> pseudonymizer.pseudonymize(capture, dir.resolve("out-2.dcm")))
                    .isInstanceOf(PseudonymizationException.class)
                    .hasMessageContaining("pixel rule 'default: Secondary Capture'");
            assertThatThrownBy(() -> pseudonymizer.prepare(flagged)).isInstanceOf(PseudonymizationException.class);
            assertThatThrownBy(() -> pseudonymizer.dryRun(capture)).isInstanceOf(PseudonymizationException.class);
        }
        assertThat(dir.resolve("out-1.dcm")).doesNotExist();
        assertThat(dir.resolve("out-2.dcm")).doesNotExist();
        // The same slice without the flag goes through.
        Fixtures.basic("SUBJ-1").pseudonymize(CT, dir.resolve("plain.dcm"));
        assertThat(dir.resolve("plain.dcm")).isRegularFile();
    }

    @Test
    void onlyAnExplicitRuleOfTheProfileAllowsWhatTheDefaultsRefuse() throws Exception {
        Path flagged = variant(list -> DicomFiles.set(list, "BurnedInAnnotation", "YES"));
        PseudonymizationProfile allowing = PseudonymizationProfile.parse("""
                name: allowing
                pixelData:
                  - { name: reviewed CT, match: { modality: CT, burnedInAnnotation: YES }, action: allow }
                """);
        PseudonymizationProfile otherDevice = PseudonymizationProfile.parse("""
                name: other
                pixelData:
                  - { name: other US, match: { modality: US }, action: allow }
                """);

        new Pseudonymizer(allowing, Fixtures.context("SUBJ-1")).pseudonymize(flagged, dir.resolve("allowed.dcm"));

        assertThat(dir.resolve("allowed.dcm")).isRegularFile();
        assertThatThrownBy(() -> new Pseudonymizer(otherDevice, Fixtures.context("SUBJ-1"))
                .pseudonymize(flagged, dir.resolve("other.dcm"))).hasMessageContaining("BurnedInAnnotation YES");
    }

    @Test
    void rulesMatchOnModalitySopClassDeviceAndSize() {
        PixelRules rules = PseudonymizationProfile.parse("""
                name: rules
                pixelData:
                  - { name: us, match: { modality: [US, IVUS] }, action: refuse }
                  - { name: rt image, match: { sopClass: 1.2.840.10008.5.1.4.1.1.481.1 }, action: refuse }
                  - name: acme
                    match: { manufacturer: acme, model: scan 1, rows: 512, columns: 512 }
                    action: mask
                    rectangles: [ { x: 0, y: 0, width: 10, height: 10 } ]
                """).pixelRules();

        assertThat(rules.decide(header("US", "1.2.840.10008.5.1.4.1.1.6.1", "", "", 480, 640)).rule().name())
                .isEqualTo("us");
        assertThat(rules.decide(header("RTIMAGE", "1.2.840.10008.5.1.4.1.1.481.1", "", "", 1, 1)).rule().name())
                .isEqualTo("rt image");
        assertThat(rules.decide(header("CT", "1.2.840.10008.5.1.4.1.1.2", "ACME", "Scan 1", 512, 512)).action())
                .isEqualTo(PixelRules.Action.MASK);
        assertThat(rules.decide(header("CT", "1.2.840.10008.5.1.4.1.1.2", "ACME", "Scan 1", 256, 256)).action())
                .isEqualTo(PixelRules.Action.ALLOW);
        assertThat(rules.decide(header("CT", "1.2.840.10008.5.1.4.1.1.2", "Other", "Scan 1", 512, 512)).rule())
                .isNull();
    }

    @Test
    void aMaskRuleNeedsItsImageSizeAndRectanglesInsideIt() {
        assertThatThrownBy(() -> PseudonymizationProfile.parse("""
                name: bad
                pixelData:
                  - { name: no size, match: { manufacturer: ACME }, action: mask, rectangles: [ { x: 0, y: 0, width: 1, height: 1 } ] }
                """)).hasMessageContaining("mask needs rows, columns");
        assertThatThrownBy(() -> PseudonymizationProfile.parse("""
                name: bad
                pixelData:
                  - name: outside
                    match: { rows: 10, columns: 10 }
                    action: mask
                    rectangles: [ { x: 5, y: 0, width: 6, height: 1 } ]
                """)).hasMessageContaining("reaches outside");
    }

    @Test
    void maskBlacksOutTheRectanglesOnlyAndDeclaresCleanPixelData() throws Exception {
        Path acme = variant(list -> {
            DicomFiles.set(list, "Manufacturer", "ACME");
            DicomFiles.set(list, "ManufacturerModelName", "Scan 1");
            DicomFiles.set(list, "BurnedInAnnotation", "YES");
        });
        Pseudonymizer pseudonymizer = new Pseudonymizer(PseudonymizationProfile.parse(MASKING_PROFILE),
                Fixtures.context("SUBJ-1"));
        Path out = dir.resolve("masked.dcm");

        assertThat(pseudonymizer.prepare(acme)).as("a masked object takes the general path").isNull();
        assertThat(pseudonymizer.dryRun(acme).entries()).anySatisfy(e -> assertThat(e.action())
                .isEqualTo(DryRunReport.Action.MASK_PIXELS));
        pseudonymizer.pseudonymize(acme, out);

        AttributeList source = DicomFiles.read(acme);
        AttributeList masked = DicomFiles.read(out);
        PixelRules.Rule rule = pseudonymizer.profile().pixelRules().rules().get(0);
        assertThat(PixelMask.compare(source, masked, rule)).isNull();
        Raster before = new SourceImage(source).getBufferedImage(0).getRaster();
        Raster after = new SourceImage(masked).getBufferedImage(0).getRaster();
        assertThat(after.getSample(250, 220, 0)).isNotEqualTo(before.getSample(250, 220, 0));
        assertThat(after.getSample(250, 220, 0)).isEqualTo(after.getSample(500, 500, 0));
        assertThat(after.getSample(256, 256, 0)).isEqualTo(before.getSample(256, 256, 0));
        assertThat(Attribute.getSingleStringValueOrEmptyString(masked, TagFromName.BurnedInAnnotation))
                .isEqualTo("NO");
        assertThat(codes(masked)).contains("113101");
        assertThat(Attribute.getDelimitedStringValuesOrEmptyString(masked, TagFromName.DeidentificationMethod))
                .contains("Clean Pixel Data");
        assertThat(Dciodvfy.errors(out)).as("dciodvfy errors the masked copy adds").isSubsetOf(Dciodvfy.errors(acme));
        // The comparison notices a copy whose pixels were not masked, and one changed outside the rectangles.
        assertThat(PixelMask.compare(source, source, rule)).contains("is not blacked out");
        Path otherSlice = dir.resolve("other.dcm");
        Fixtures.basic("SUBJ-1").pseudonymize(SharedData.rtSet().resolve("CT").resolve("CT.2.dcm"), otherSlice);
        assertThat(PixelMask.compare(DicomFiles.read(otherSlice), masked, rule)).contains("outside the masked");
    }

    @Test
    void masksOnlyNativePixelData() throws Exception {
        Path jpeg = SharedData.pydicom("JPEG2000.dcm");
        AttributeList header = DicomFiles.read(jpeg);
        int rows = Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Columns, 0);
        PseudonymizationProfile sized = PseudonymizationProfile.parse("""
                name: mask-jpeg
                pixelData:
                  - name: all of it
                    match: { rows: %d, columns: %d }
                    action: mask
                    rectangles: [ { x: 0, y: 0, width: 10, height: 10 } ]
                """.formatted(rows, columns));

        assertThatThrownBy(() -> new Pseudonymizer(sized, Fixtures.context("SUBJ-1")).pseudonymize(jpeg,
                dir.resolve("jpeg.dcm"))).hasMessageContaining("compressed").hasMessageContaining("refused");
        assertThat(dir.resolve("jpeg.dcm")).doesNotExist();
    }

    private Path variant(java.util.function.Consumer<AttributeList> change) throws Exception {
        Path file = Files.createTempFile(dir, "variant", ".dcm");
        DicomFiles.rewrite(CT, file, change);
        return file;
    }

    private static AttributeList header(String modality, String sopClass, String manufacturer, String model, int rows,
            int columns) {
        AttributeList list = new AttributeList();
        DicomFiles.set(list, "Modality", modality);
        DicomFiles.set(list, "SOPClassUID", sopClass);
        DicomFiles.set(list, "Manufacturer", manufacturer);
        DicomFiles.set(list, "ManufacturerModelName", model);
        DicomFiles.set(list, "Rows", Integer.toString(rows));
        DicomFiles.set(list, "Columns", Integer.toString(columns));
        return list;
    }

    private static List<String> codes(AttributeList list) {
        List<String> codes = new ArrayList<>();
        SequenceAttribute sequence = (SequenceAttribute) list.get(TagFromName.DeidentificationMethodCodeSequence);
        for (int i = 0; i < sequence.getNumberOfItems(); i++) {
            codes.add(Attribute.getSingleStringValueOrEmptyString(sequence.getItem(i).getAttributeList(),
                    TagFromName.CodeValue));
        }
        return codes;
    }
}
