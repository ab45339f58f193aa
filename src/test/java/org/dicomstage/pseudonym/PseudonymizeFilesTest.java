package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.PixelDataDigest;
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

        Fixtures.rtResearch("SUBJ-001").pseudonymize(in, result);

        String inputDigest = PixelDataDigest.sha256(in);
        assertThat(inputDigest).as("fixture has pixel data").isNotNull();
        assertThat(PixelDataDigest.sha256(result)).isEqualTo(inputDigest);
        AttributeList written = Fixtures.read(result);
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.TransferSyntaxUID))
                .isEqualTo(transferSyntaxOf(in));
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.PatientID))
                .isEqualTo(Fixtures.rtResearch("SUBJ-001").patientPseudonym());
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
        AttributeList written = Fixtures.read(result);
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

        AttributeList written = Fixtures.read(result);
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

    private static String transferSyntaxOf(Path in) throws Exception {
        AttributeList list = Fixtures.read(in);
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        return ts.isEmpty() ? "1.2.840.10008.1.2" : ts;
    }
}
