package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.OtherByteAttribute;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.DicomFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest verification records of each instance of a copy and the one publishing takes of the file it sends
 * must agree on an unchanged instance, however each came to read it, and differ on any changed value.
 */
class InstanceDigestTest {

    @TempDir
    Path dir;

    @Test
    void aDatasetReadWholeDigestsAsTheFileReadUpToPixelDataAndAnyChangedValueDiffers() throws Exception {
        CtSeriesGenerator.write(dir.resolve("ct"), 1, "Becker^Matthew", "PID-1");
        Path original;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir.resolve("ct"))) {
            original = files.filter(f -> f.toString().endsWith(".dcm")).findFirst().orElseThrow();
        }
        // Trailing padding after Pixel Data: verification then reads the whole dataset, publishing only its head.
        Path padded = dir.resolve("padded.dcm");
        DicomFiles.rewrite(original, padded, list -> {
            try {
                OtherByteAttribute padding = new OtherByteAttribute(new AttributeTag(0xFFFC, 0xFFFC));
                padding.setValues(new byte[] {0, 0, 0, 0});
                list.put(padding);
            } catch (com.pixelmed.dicom.DicomException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(DicomFiles.read(padded).get(new AttributeTag(0xFFFC, 0xFFFC))).as("padding written").isNotNull();

        InstanceDigest published = InstanceDigest.of(padded);
        InstanceDigest verified = InstanceDigest.of(Datasets.read(padded), PixelDataDigest.sha256(padded));

        assertThat(verified).isEqualTo(published);
        assertThat(published.sameAs(verified)).isTrue();
        assertThat(published.pixelData()).isNotNull();
        Path renamed = dir.resolve("renamed.dcm");
        DicomFiles.rewrite(padded, renamed, list -> DicomFiles.set(list, "PatientName", "Jones^Peter"));
        InstanceDigest changed = InstanceDigest.of(renamed);
        assertThat(changed.sopInstanceUID()).isEqualTo(published.sopInstanceUID());
        assertThat(changed.pixelData()).isEqualTo(published.pixelData());
        assertThat(changed.sameAs(published)).isFalse();
    }
}
