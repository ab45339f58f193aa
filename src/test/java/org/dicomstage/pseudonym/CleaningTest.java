package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clean Descriptors and the name safety net on whole datasets: what a data-protection officer reads in the copy,
 * and what the reviewer is shown of it.
 */
class CleaningTest {

    /** The issue's findings: a physician and a relative named only deep in the object, a phone, a street. */
    private static AttributeList withIdentifyingDescriptors() throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SOPInstanceUID, "1.2.826.0.1.3680043.10.999.7");
        put(list, TagFromName.PatientName, "Jones^Peter");
        put(list, TagFromName.PatientID, "HNC-0522");
        SequenceAttribute request = new SequenceAttribute(TagFromName.RequestAttributesSequence);
        AttributeList item = new AttributeList();
        put(item, TagFromName.ScheduledPerformingPhysicianName, "Wong^Alice^^Dr.");
        put(item, DicomDictionary.StandardDictionary.getTagFromName("RequestingPhysician"), "Jones^Mary");
        request.addItem(item);
        list.put(request);
        put(list, TagFromName.ImageComments, "Referred by Dr. Alice Wong, call 555-0199");
        put(list, TagFromName.AdditionalPatientHistory, "Lives at 12 Main Street; Wife Mary Jones consents");
        put(list, TagFromName.StudyDescription, "CT Thorax Dr. Alice Wong");
        put(list, TagFromName.SeriesDescription, "CT Thorax 5mm");
        return list;
    }

    @Test
    void cleanDescriptorsRemovesNamesFromAnyPersonNamePhonesAndStreets() throws Exception {
        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(withIdentifyingDescriptors());

        assertThat(value(result, TagFromName.ImageComments)).isEqualTo("Referred by Dr. [name], call [phone]");
        assertThat(value(result, TagFromName.AdditionalPatientHistory))
                .isEqualTo("Lives at [address]; Wife [name] consents");
        assertThat(value(result, TagFromName.StudyDescription)).isEqualTo("CT Thorax Dr. [name]");
        assertThat(value(result, TagFromName.SeriesDescription)).isEqualTo("CT Thorax 5mm");
    }

    @Test
    void theDryRunShowsWhatCleaningRemoved() throws Exception {
        DryRunReport report = Fixtures.rtResearch("SUBJ-1").dryRun(withIdentifyingDescriptors());

        assertThat(report.entries()).filteredOn(e -> e.keyword().equals("ImageComments")).singleElement()
                .satisfies(e -> {
                    assertThat(e.action()).isEqualTo(DryRunReport.Action.CLEAN);
                    assertThat(e.reason()).contains("Clean Descriptors").contains("[name]").contains("[phone]");
                    assertThat(e.after()).isEqualTo("Referred by Dr. [name], call [phone]");
                });
    }

    @Test
    void theInstanceReportCarriesEveryKeptDescriptorValueAfterCleaning() throws Exception {
        List<InstanceReport> reports = new ArrayList<>();

        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(withIdentifyingDescriptors(), reports::add);

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.sopInstanceUID()).isEqualTo(value(result, TagFromName.SOPInstanceUID));
            assertThat(r.keptText()).containsExactlyInAnyOrder(
                    new KeptText("ImageComments", "Referred by Dr. [name], call [phone]"),
                    new KeptText("AdditionalPatientHistory", "Lives at [address]; Wife [name] consents"),
                    new KeptText("StudyDescription", "CT Thorax Dr. [name]"),
                    new KeptText("SeriesDescription", "CT Thorax 5mm"));
            assertThat(r.cleaningNotes()).isEmpty();
        });
    }

    @Test
    void aValueThatCannotBeCleanedSafelyBecomesADummyAndTheReportSaysWhere() throws Exception {
        AttributeList source = withIdentifyingDescriptors();
        // A value PixelMed could not decode: nobody can tell which names it holds.
        put(source, TagFromName.ImageComments, "Kopf \uFFFD\uFFFD\uFFFD");
        List<InstanceReport> reports = new ArrayList<>();

        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(source, reports::add);

        assertThat(value(result, TagFromName.ImageComments)).isEqualTo("ANONYMIZED");
        assertThat(reports.get(0).cleaningNotes()).singleElement().asString().contains("ImageComments")
                .contains("dummy").contains("decoded").doesNotContain("Kopf");
    }

    @Test
    void theSafetyNetMatchesNamesOfTwoCharactersAsWholeWords() throws Exception {
        AttributeList source = new AttributeList();
        put(source, TagFromName.PatientName, "Li^Wei");
        put(source, TagFromName.StationName, "Li CT");
        put(source, TagFromName.ManufacturerModelName, "Linac Weiss");

        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);

        // Retain Device Identity keeps these; the patient's name does not leave with them.
        assertThat(value(result, TagFromName.StationName)).isEqualTo("[name] CT");
        assertThat(value(result, TagFromName.ManufacturerModelName)).isEqualTo("Linac Weiss");
    }

    /** The issue's false alarm: the patient is called Test, and TEST is the coding scheme of the SR's codes. */
    @Test
    void theSafetyNetNeverRewritesCodedValues() throws Exception {
        AttributeList sr = DicomFiles.read(SharedData.pydicom("test-SR.dcm"));
        assertThat(value(sr, TagFromName.PatientName)).isEqualTo("Test^S R");

        AttributeList basic = Fixtures.basic("SUBJ-1").pseudonymize(sr);
        AttributeList rt = Fixtures.rtResearch("SUBJ-1").pseudonymize(sr);

        for (AttributeList result : List.of(basic, rt)) {
            AttributeList concept = item(result, TagFromName.ConceptNameCodeSequence, 0);
            assertThat(value(concept, TagFromName.CodingSchemeDesignator)).isEqualTo("TEST");
            assertThat(value(concept, TagFromName.CodeValue)).isEqualTo("1111");
            assertThat(value(concept, TagFromName.CodeMeaning)).isEqualTo("Diagnosis");
        }
    }

    @Test
    void overlaysGoWholeUnlessCleanGraphicsKeepsThemWhole() throws Exception {
        AttributeList source = new AttributeList();
        put(source, TagFromName.PatientName, "Doe^Jane");
        for (int group : new int[] {0x6000, 0x6002}) {
            put(source, new AttributeTag(group, 0x0010), "US", "2");
            put(source, new AttributeTag(group, 0x0011), "US", "2");
            put(source, new AttributeTag(group, 0x0040), "CS", "G");
            put(source, new AttributeTag(group, 0x0050), "SS", "1\\1");
            put(source, new AttributeTag(group, 0x0100), "US", "1");
            put(source, new AttributeTag(group, 0x0102), "US", "0");
            put(source, new AttributeTag(group, 0x0022), "LO", "annotation");
            OtherWordAttribute data = new OtherWordAttribute(new AttributeTag(group, 0x3000));
            data.setValues(new short[] {0x000F});
            source.put(data);
        }
        put(source, new AttributeTag(0x5000, 0x0005), "US", "2");
        put(source, new AttributeTag(0x5000, 0x0010), "US", "1");

        AttributeList removed = Fixtures.basic("SUBJ-1").pseudonymize(source);
        AttributeList kept = new Pseudonymizer(PseudonymizationProfile.parse("""
                name: graphics
                options:
                  cleanGraphics: true
                """), Fixtures.context("SUBJ-1")).pseudonymize(source);

        assertThat(groups(removed)).doesNotContainKeys(0x6000, 0x6002, 0x5000);
        assertThat(groups(kept)).containsEntry(0x6000, 8).containsEntry(0x6002, 8).containsEntry(0x5000, 2);
        assertThat(kept.get(new AttributeTag(0x6002, 0x3000)).getShortValues()).containsExactly((short) 0x000F);
        assertThat(value(kept, TagFromName.DeidentificationMethod)).contains("Clean Graphics");
        assertThat(value(removed, TagFromName.DeidentificationMethod)).doesNotContain("Clean Graphics");
    }

    private static Map<Integer, Integer> groups(AttributeList list) {
        Map<Integer, Integer> groups = new TreeMap<>();
        for (AttributeTag tag : list.keySet()) {
            groups.merge(tag.getGroup(), 1, Integer::sum);
        }
        return groups;
    }

    static AttributeList item(AttributeList list, AttributeTag sequence, int index) {
        return ((SequenceAttribute) list.get(sequence)).getItem(index).getAttributeList();
    }

    static void put(AttributeList list, AttributeTag tag, String value) throws Exception {
        put(list, tag, DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag), value);
    }

    static void put(AttributeList list, AttributeTag tag, String vr, String value) throws Exception {
        put(list, tag, vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII), value);
    }

    private static void put(AttributeList list, AttributeTag tag, byte[] vr, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag, vr,
                new SpecificCharacterSet(new String[] {"ISO_IR 192"}));
        for (String v : value.split("\\\\")) {
            attribute.addValue(v);
        }
        list.put(attribute);
    }

    static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getDelimitedStringValuesOrEmptyString(list, tag);
    }
}
