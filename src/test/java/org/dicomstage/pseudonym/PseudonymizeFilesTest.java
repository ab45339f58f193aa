package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PseudonymizeFilesTest {

    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "ExplVR_BigEnd.dcm", "JPEG-lossy.dcm", "JPEG2000.dcm", "MR_small.dcm",
            "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "image_dfl.dcm", "rtdose.dcm"})
    void keepsTransferSyntaxAndPixelBytesOfEveryPydicomImage(String name) throws Exception {
        Path in = SharedData.pydicom(name);
        Path result = out.resolve(name);

        Fixtures.rtResearchAllowingSecondaryCapture("SUBJ-001").pseudonymize(in, result);

        String inputDigest = PixelDataDigest.sha256(in);
        assertThat(inputDigest).as("fixture has pixel data").isNotNull();
        assertThat(PixelDataDigest.sha256(result)).isEqualTo(inputDigest);
        AttributeList written = DicomFiles.read(result);
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.TransferSyntaxUID))
                .isEqualTo(transferSyntaxOf(in));
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.PatientID))
                .isEqualTo(Fixtures.rtResearch("SUBJ-001").patientPseudonym());
    }

    /**
     * A staged instance is sent as a header in memory plus the pixel bytes straight from the retrieved file: what
     * the archive receives must be byte for byte the file the pseudonymizer would have written.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ExplVR_BigEnd.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "rtdose.dcm",
            "rt:CT.1.dcm"})
    void splicedInstanceIsTheFileThePseudonymizerWrites(String name) throws Exception {
        // rt: a slice of the RT set, a raw dataset without preamble or meta information
        Path in = name.startsWith("rt:") ? SharedData.rtSet().resolve("CT").resolve(name.substring(3))
                : SharedData.pydicom(name);
        Pseudonymizer pseudonymizer = Fixtures.rtResearch("SUBJ-001");
        pseudonymizer.pseudonymize(in, out.resolve("written.dcm"));
        byte[] written = Files.readAllBytes(out.resolve("written.dcm"));

        org.dicomstage.dicom.SplicedInstance spliced = pseudonymizer.prepare(in);

        assertThat(spliced).as("native pixel data as the last element is spliced").isNotNull();
        assertThat(spliced.tailFile()).isEqualTo(in);
        try (InputStream stream = spliced.open()) {
            assertThat(stream.readAllBytes()).isEqualTo(written);
        }
        try (InputStream dataset = spliced.openDataset()) {
            assertThat(dataset.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(written, spliced.datasetStart(),
                    written.length));
        }
        AttributeList header = DicomFiles.read(out.resolve("written.dcm"));
        assertThat(spliced.sopInstanceUID()).isEqualTo(
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPInstanceUID));
        assertThat(spliced.sopClassUID()).isEqualTo(
                Attribute.getSingleStringValueOrEmptyString(header, TagFromName.SOPClassUID));
        assertThat(spliced.transferSyntaxUID()).isEqualTo(transferSyntaxOf(in));
    }

    /** The first read of a file is short; a header longer than it is read again, not sent the slow way. */
    @Test
    void aHeaderLongerThanTheFirstReadIsStillSpliced() throws Exception {
        AttributeList list = DicomFiles.read(SharedData.rtSet().resolve("CT").resolve("CT.1.dcm"));
        com.pixelmed.dicom.SequenceAttribute references = new com.pixelmed.dicom.SequenceAttribute(
                TagFromName.ReferencedImageSequence);
        for (int i = 0; i < 400; i++) {
            AttributeList item = new AttributeList();
            com.pixelmed.dicom.Attribute sop = new com.pixelmed.dicom.UniqueIdentifierAttribute(
                    TagFromName.ReferencedSOPInstanceUID);
            sop.addValue("1.2.826.0.1.3680043.8.498.1000000000000000000000000000000000" + i);
            item.put(sop);
            com.pixelmed.dicom.Attribute sopClass = new com.pixelmed.dicom.UniqueIdentifierAttribute(
                    TagFromName.ReferencedSOPClassUID);
            sopClass.addValue(com.pixelmed.dicom.SOPClass.CTImageStorage);
            item.put(sopClass);
            references.addItem(item);
        }
        list.put(references);
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(list,
                com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, "TEST");
        Path in = out.resolve("long-header.dcm");
        list.write(in.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        Pseudonymizer pseudonymizer = Fixtures.rtResearch("SUBJ-001");

        org.dicomstage.dicom.SplicedInstance spliced = pseudonymizer.prepare(in);

        assertThat(spliced).as("native pixel data after a long header is spliced").isNotNull();
        assertThat(spliced.head().length).as("the header is longer than the first read").isGreaterThan(16 * 1024);
        pseudonymizer.pseudonymize(in, out.resolve("written.dcm"));
        assertThat(PixelDataDigest.sha256(out.resolve("written.dcm"))).isEqualTo(PixelDataDigest.sha256(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"JPEG2000.dcm", "MR_small_RLE.dcm", "image_dfl.dcm", "CT_small.dcm",
            "ExplVR_LitEndNoMeta.dcm"})
    void onlyNativePixelDataAtTheEndIsSpliced(String name) {
        // encapsulated, deflated, trailing padding after the pixel data, no pixel data: the general path
        assertThat(Fixtures.rtResearch("SUBJ-001").prepare(SharedData.pydicom(name))).isNull();
    }

    @Test
    void sameInputGivesTheSameBytesOnEveryRun() throws Exception {
        Path in = SharedData.rtSet().resolve("RS.dcm");
        Fixtures.rtResearch("SUBJ-001").pseudonymize(in, out.resolve("a.dcm"));
        Fixtures.rtResearch("SUBJ-001").pseudonymize(in, out.resolve("b.dcm"));
        Fixtures.rtResearch("SUBJ-002").pseudonymize(in, out.resolve("c.dcm"));

        assertThat(Files.readAllBytes(out.resolve("a.dcm"))).isEqualTo(Files.readAllBytes(out.resolve("b.dcm")));
        assertThat(Files.readAllBytes(out.resolve("a.dcm"))).isNotEqualTo(Files.readAllBytes(out.resolve("c.dcm")));
    }

    @Test
    void refusesToOverwriteItsInput() throws Exception {
        Path copy = out.resolve("CT.dcm");
        Files.copy(SharedData.pydicom("CT_small.dcm"), copy);

        assertThatThrownBy(() -> Fixtures.basic("SUBJ-001").pseudonymize(copy, copy))
                .isInstanceOf(PseudonymizationException.class).hasMessageContaining("overwrite");
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(SharedData.pydicom("CT_small.dcm")));
    }

    @Test
    void refusesToWriteWithoutTheType1SponsorAndProtocolId() {
        Pseudonymizer noProtocol = new Pseudonymizer(PseudonymizationProfile.builtin("rt-research"),
                new PseudonymContext(Fixtures.SECRET, "SUBJ-001", new ClinicalTrial("Sponsor", " ", "Name", "S1",
                        "Site")));
        Path ct = SharedData.rtSet().resolve("CT").resolve("CT.1.dcm");
        Path result = out.resolve("CT.1.dcm");

        // Both paths: the spliced one that staging takes first, and the general one.
        assertThatThrownBy(() -> noProtocol.prepare(ct)).isInstanceOf(PseudonymizationException.class)
                .hasMessageContaining("ClinicalTrialProtocolID (0012,0020)").hasMessageContaining("Type 1");
        assertThatThrownBy(() -> noProtocol.pseudonymize(SharedData.rtSet().resolve("RP.dcm"), result))
                .isInstanceOf(PseudonymizationException.class).hasMessageContaining("ClinicalTrialProtocolID");
        assertThat(result).doesNotExist();
    }

    @Test
    void writesFilesWithoutMetaHeaderAsPart10() throws Exception {
        Path result = out.resolve("CT.1.dcm");
        Fixtures.basic("SUBJ-001").pseudonymize(SharedData.rtSet().resolve("CT").resolve("CT.1.dcm"), result);

        byte[] head = new byte[132];
        try (InputStream in = Files.newInputStream(result)) {
            assertThat(in.readNBytes(head, 0, 132)).isEqualTo(132);
        }
        assertThat(new String(head, 128, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("DICM");
        AttributeList written = DicomFiles.read(result);
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.TransferSyntaxUID))
                .isEqualTo("1.2.840.10008.1.2");
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.MediaStorageSOPInstanceUID))
                .isEqualTo(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.SOPInstanceUID))
                .startsWith("2.25.");
        assertThat(PixelDataDigest.sha256(result))
                .isEqualTo(PixelDataDigest.sha256(SharedData.rtSet().resolve("CT").resolve("CT.1.dcm")));
    }

    @Test
    void readsRawExplicitLittleEndianWithoutMetaHeader() throws Exception {
        Path result = out.resolve("raw.dcm");
        Fixtures.basic("SUBJ-001").pseudonymize(SharedData.pydicom("ExplVR_LitEndNoMeta.dcm"), result);

        AttributeList written = DicomFiles.read(result);
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.TransferSyntaxUID))
                .isEqualTo("1.2.840.10008.1.2.1");
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.PatientName)).isEqualTo("SUBJ-001");
    }

    /**
     * pydicom's no_meta.dcm starts with a stray byte before (0008,0005): dcmdump and PixelMed fail on it too.
     * Guessing a shifted start on patient data is not safe, so it is rejected like any corrupt file.
     */
    @ParameterizedTest
    @ValueSource(strings = {"MR_truncated.dcm", "rtplan_truncated.dcm", "badVR.dcm", "no_meta.dcm"})
    void rejectsBrokenFilesNamingThemAndLeavesNothingBehind(String name) throws Exception {
        Path in = SharedData.pydicom(name);
        Path result = out.resolve(name);

        assertThatThrownBy(() -> Fixtures.basic("SUBJ-001").pseudonymize(in, result))
                .isInstanceOf(PseudonymizationException.class)
                .hasMessageContaining(in.toString())
                .satisfies(e -> System.out.println(e.getMessage()));
        assertThat(result).doesNotExist();
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void rejectsGarbageInsideADefinedLengthSequence() throws Exception {
        // Raw explicit VR little endian: SOP class, instance, a sequence whose only item holds 8 bytes of junk,
        // then the patient's name. Stopping at the junk would silently drop what follows.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        element(bytes, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7\0".replace("\\0", "\0"));
        element(bytes, 0x0008, 0x0018, "UI", "1.2.826.0.1.3680043.10.999.77");
        bytes.write(new byte[] {0x08, 0x00, 0x40, 0x11, 'S', 'Q', 0, 0, 16, 0, 0, 0});
        bytes.write(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, 8, 0, 0, 0});
        bytes.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 'Z', 'Z', 0, 0});
        element(bytes, 0x0010, 0x0010, "PN", "Doe^Jane");
        Path in = out.resolve("junk-in.dcm");
        Files.write(in, bytes.toByteArray());
        Path result = out.resolve("junk-out.dcm");

        assertThatThrownBy(() -> Fixtures.basic("SUBJ-001").pseudonymize(in, result))
                .isInstanceOf(PseudonymizationException.class).hasMessageContaining(in.toString())
                .satisfies(e -> System.out.println(e.getMessage()));
        assertThat(result).doesNotExist();
    }

    private static void element(java.io.ByteArrayOutputStream out, int group, int element, String vr, String value) {
        byte[] v = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (v.length % 2 == 1) {
            v = java.util.Arrays.copyOf(v, v.length + 1);
        }
        out.writeBytes(new byte[] {(byte) group, (byte) (group >> 8), (byte) element, (byte) (element >> 8),
                (byte) vr.charAt(0), (byte) vr.charAt(1), (byte) v.length, (byte) (v.length >> 8)});
        out.writeBytes(v);
    }

    private static String transferSyntaxOf(Path in) throws Exception {
        AttributeList list = DicomFiles.read(in);
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        return ts.isEmpty() ? "1.2.840.10008.1.2" : ts;
    }
}
