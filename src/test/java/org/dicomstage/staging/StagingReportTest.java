package org.dicomstage.staging;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.dicom.EmbeddedNode;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.KeptText;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The staging report carries, per series, every distinct descriptor value that left, and what was replaced. */
class StagingReportTest {

    private static final String STUDY = "1.2.826.0.1.3680043.10.999.100";
    private static final String SERIES = STUDY + ".1";
    private static final byte[] SECRET = "study-secret-for-tests-0123456789".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aStagedSeriesReportsItsKeptDescriptorsOnceEachAndItsReplacedValues() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        write(incoming.resolve("1.dcm"), 1, "Referred by Dr. Alice Wong, call 555-0199");
        write(incoming.resolve("2.dcm"), 2, "Referred by Dr. Alice Wong, call 555-0199");
        // Undecodable text: nobody can say which names it holds, so it must not leave as it is.
        write(incoming.resolve("3.dcm"), 3, "Kopf \uFFFD\uFFFD");
        try (EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", dir.resolve("study0"), 0, 2);
                EmbeddedArchive project = new EmbeddedArchive("PROJECT", dir.resolve("project"), 0, 2)) {
            assertThat(study0.importDirectory(incoming)).isEqualTo(3);
            SeriesStagingSpec spec = new SeriesStagingSpec(new EmbeddedNode("study0", study0),
                    new EmbeddedNode("project", project), PseudonymizationProfile.builtin("rt-research"),
                    new PseudonymContext(SECRET, "SUBJ-1", new ClinicalTrial("Sponsor", "P1", "Prot", "S1", "Site")),
                    STUDY, SERIES);

            StageResult result = new StagingService(2).stage(spec);

            assertThat(result.status()).as(result.summary()).isEqualTo(StageResult.Status.STAGED);
            assertThat(result.keptDescriptors()).containsExactly(
                    new KeptText("ImageComments", "ANONYMIZED"),
                    new KeptText("ImageComments", "Referred by Dr. [name], call [phone]"),
                    new KeptText("SeriesDescription", "CT Thorax 5mm"),
                    new KeptText("StudyDescription", "RT planning CT"));
            assertThat(result.cleaningNotes()).singleElement().asString().startsWith("SOP instance 2.25.")
                    .contains("ImageComments").contains("decoded").doesNotContain("Kopf");
        }
    }

    private static void write(Path file, int number, String imageComments) throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SpecificCharacterSet, "ISO_IR 192");
        put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
        put(list, TagFromName.SOPInstanceUID, SERIES + "." + number);
        put(list, TagFromName.StudyInstanceUID, STUDY);
        put(list, TagFromName.SeriesInstanceUID, SERIES);
        put(list, TagFromName.Modality, "CT");
        put(list, TagFromName.PatientName, "Jones^Peter");
        put(list, TagFromName.PatientID, "HNC-0522");
        put(list, TagFromName.ReferringPhysicianName, "Wong^Alice");
        put(list, TagFromName.StudyDescription, "RT planning CT");
        put(list, TagFromName.SeriesDescription, "CT Thorax 5mm");
        put(list, TagFromName.ImageComments, imageComments);
        put(list, TagFromName.InstanceNumber, Integer.toString(number));
        put(list, TagFromName.Rows, "2");
        put(list, TagFromName.Columns, "2");
        put(list, TagFromName.BitsAllocated, "16");
        put(list, TagFromName.BitsStored, "12");
        put(list, TagFromName.HighBit, "11");
        put(list, TagFromName.PixelRepresentation, "0");
        put(list, TagFromName.SamplesPerPixel, "1");
        put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(new short[] {1, 2, 3, 4});
        list.put(pixels);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag,
                DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag),
                new SpecificCharacterSet(new String[] {"ISO_IR 192"}));
        attribute.addValue(value);
        list.put(attribute);
    }
}
