package org.dicomstage.dicom;

import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.dicomstage.testing.DicomFiles.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PixelDataDigestTest {

    @TempDir
    Path dir;

    @Test
    void hashesNativePixelBytesAsStored() throws Exception {
        Path file = SharedData.rtSet().resolve("CT").resolve("CT.1.dcm");
        byte[] bytes = Files.readAllBytes(file);
        // 512x512x2 bytes of pixel data are the last bytes of this raw implicit VR file.
        int length = 512 * 512 * 2;
        byte[] pixels = java.util.Arrays.copyOfRange(bytes, bytes.length - length, bytes.length);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pixels));

        assertThat(PixelDataDigest.sha256(file)).isEqualTo(expected);
        assertThat(PixelDataDigest.sha256(read(file))).isEqualTo(expected);
    }

    @Test
    void agreesBetweenFileAndListForNativeAndCompressedData() throws Exception {
        for (String name : new String[] {"CT_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
                "JPEG2000.dcm", "MR_small_RLE.dcm", "image_dfl.dcm"}) {
            Path file = SharedData.pydicom(name);
            assertThat(PixelDataDigest.sha256(read(file))).as(name).isEqualTo(PixelDataDigest.sha256(file));
        }
        // The same pixels in little and big endian are different encodings, hence different digests.
        assertThat(PixelDataDigest.sha256(SharedData.pydicom("MR_small_bigendian.dcm")))
                .isNotEqualTo(PixelDataDigest.sha256(SharedData.pydicom("MR_small.dcm")));
    }

    /** From a file's first bytes alone, the same range as a walk over the whole file; nothing when unsure. */
    @Test
    void locatesNativePixelDataFromThePrefixOfAFile() throws Exception {
        Path file = SharedData.rtSet().resolve("CT").resolve("CT.1.dcm");
        byte[] bytes = Files.readAllBytes(file);
        byte[] prefix = java.util.Arrays.copyOf(bytes, 4096);

        PixelDataDigest.NativeRange range = PixelDataDigest.locateNative(prefix, bytes.length, file.toString());

        assertThat(range).isNotNull();
        assertThat(range.valueOffset() + (long) range.length()).isEqualTo(bytes.length);
        assertThat(range.datasetStart()).as("a raw dataset, without preamble or meta information").isZero();
        byte[] part10 = Files.readAllBytes(SharedData.pydicom("rtdose.dcm"));
        assertThat(PixelDataDigest.locateNative(part10, part10.length, "rtdose.dcm").datasetStart())
                .as("after preamble and meta group").isGreaterThan(132);
        assertThat(java.util.Arrays.copyOfRange(bytes, range.valueOffset(), bytes.length))
                .as("the range holds exactly the pixel bytes the full walk finds")
                .isEqualTo(pixelBytes(PixelDataDigest.locate(bytes, file.toString())));
        assertThat(PixelDataDigest.locateNative(java.util.Arrays.copyOf(bytes, 200), bytes.length, "short prefix"))
                .as("a header longer than the prefix").isNull();
        assertThat(PixelDataDigest.locateNative(prefix, bytes.length + 2L, "longer file"))
                .as("bytes after the pixel data").isNull();
        byte[] compressed = Files.readAllBytes(SharedData.pydicom("JPEG2000.dcm"));
        assertThat(PixelDataDigest.locateNative(compressed, compressed.length, "JPEG2000.dcm")).isNull();
        byte[] truncated = Files.readAllBytes(SharedData.pydicom("MR_truncated.dcm"));
        assertThat(PixelDataDigest.locateNative(truncated, truncated.length, "MR_truncated.dcm")).isNull();
    }

    private static byte[] pixelBytes(PixelDataDigest.PixelValue value) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        value.writeNativeValue(out);
        return out.toByteArray();
    }

    @Test
    void isNullWithoutPixelDataAndRejectsTruncation() {
        assertThat(PixelDataDigest.sha256(SharedData.rtSet().resolve("RS.dcm"))).isNull();
        assertThatThrownBy(() -> PixelDataDigest.sha256(SharedData.pydicom("MR_truncated.dcm")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"CT_small.dcm", "ExplVR_BigEnd.dcm",
            "ExplVR_LitEndNoMeta.dcm", "JPEG-lossy.dcm", "JPEG2000.dcm", "MR_small.dcm", "MR_small_RLE.dcm",
            "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "UN_sequence.dcm", "empty_charset_LEI.dcm",
            "image_dfl.dcm", "nested_priv_SQ.dcm", "priv_SQ.dcm", "reportsi.dcm", "rtdose.dcm", "rtplan.dcm",
            "rtstruct.dcm", "test-SR.dcm"})
    void acceptsTheStructureOfEveryWellFormedFixture(String name) {
        PixelDataDigest.checkStructure(SharedData.pydicom(name));
    }

    @Test
    void acceptsTheStructureOfTheRtSet() {
        for (String name : new String[] {"RS.dcm", "RP.dcm", "RD.dcm", "CT/CT.1.dcm"}) {
            PixelDataDigest.checkStructure(SharedData.rtSet().resolve(name));
        }
    }

    @Test
    void generatedCtSlicesAreFullSizeAndDistinct() {
        CtSeriesGenerator.Series series = CtSeriesGenerator.write(dir, 3);

        assertThat(series.files()).hasSize(3).allSatisfy(f -> assertThat(f.toFile().length()).isBetween(524_288L,
                540_000L));
        assertThat(series.files().stream().map(PixelDataDigest::sha256).distinct()).hasSize(3);
    }
}
