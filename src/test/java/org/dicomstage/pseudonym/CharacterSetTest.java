package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.dicomstage.testing.DicomFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Non-ASCII values survive rewriting in the dataset's own character set, checked by reading the output back. */
class CharacterSetTest {

    @TempDir
    Path dir;

    @Test
    void latin1ValuesComeBackIntact() throws Exception {
        Path in = write("latin1.dcm", "ISO_IR 100", "Müller^Jürgen", "Kopf Übersicht", "Thorax Müller");
        Path out = dir.resolve("out-latin1.dcm");
        ClinicalTrial trial = new ClinicalTrial("Sponsor", "P1", "Protokoll Größe", "S1", "Klinik Zürich");

        new Pseudonymizer(PseudonymizationProfile.builtin("rt-research"),
                new PseudonymContext(Fixtures.SECRET, "SUBJ-Ä1", trial)).pseudonymize(in, out);

        AttributeList back = DicomFiles.read(out);
        assertThat(value(back, TagFromName.SpecificCharacterSet)).isEqualTo("ISO_IR 100");
        assertThat(value(back, TagFromName.StudyDescription)).isEqualTo("Kopf Übersicht");
        assertThat(value(back, TagFromName.ClinicalTrialSiteName)).isEqualTo("Klinik Zürich");
        assertThat(value(back, TagFromName.ClinicalTrialProtocolName)).isEqualTo("Protokoll Größe");
        assertThat(value(back, TagFromName.ClinicalTrialSubjectID)).isEqualTo("SUBJ-Ä1");
        assertThat(value(back, TagFromName.SeriesDescription)).isEqualTo("Thorax [name]");
        assertThat(contains(out, "Klinik Zürich", StandardCharsets.ISO_8859_1)).isTrue();
        assertThat(contains(out, "Müller", StandardCharsets.ISO_8859_1)).isFalse();
    }

    @Test
    void utf8ValuesComeBackIntact() throws Exception {
        Path in = write("utf8.dcm", "ISO_IR 192", "山田^太郎", "Ærøskøbing Kontrolle", "Kopf 山田");
        Path out = dir.resolve("out-utf8.dcm");
        ClinicalTrial trial = new ClinicalTrial("Sponsor", "P1", "研究", "S1", "Ærøskøbing Sygehus");

        new Pseudonymizer(PseudonymizationProfile.builtin("rt-research"),
                new PseudonymContext(Fixtures.SECRET, "被験者-1", trial)).pseudonymize(in, out);

        AttributeList back = DicomFiles.read(out);
        assertThat(value(back, TagFromName.SpecificCharacterSet)).isEqualTo("ISO_IR 192");
        assertThat(value(back, TagFromName.StudyDescription)).isEqualTo("Ærøskøbing Kontrolle");
        assertThat(value(back, TagFromName.ClinicalTrialSiteName)).isEqualTo("Ærøskøbing Sygehus");
        assertThat(value(back, TagFromName.ClinicalTrialProtocolName)).isEqualTo("研究");
        assertThat(value(back, TagFromName.ClinicalTrialSubjectID)).isEqualTo("被験者-1");
        assertThat(value(back, TagFromName.SeriesDescription)).isEqualTo("Kopf [name]");
        assertThat(contains(out, "Ærøskøbing Sygehus", StandardCharsets.UTF_8)).isTrue();
        assertThat(contains(out, "山田", StandardCharsets.UTF_8)).isFalse();
    }

    @Test
    void declaresUtf8WhenAnAsciiDatasetGetsNonAsciiStudyValues() throws Exception {
        Path in = write("ascii.dcm", null, "Doe^John", "Head", "Head");
        ClinicalTrial trial = new ClinicalTrial("Sponsor", "P1", "P", "S1", "Klinik Zürich");
        Path out = dir.resolve("out-ascii.dcm");

        new Pseudonymizer(PseudonymizationProfile.builtin("rt-research"),
                new PseudonymContext(Fixtures.SECRET, "SUBJ-1", trial)).pseudonymize(in, out);

        AttributeList back = DicomFiles.read(out);
        assertThat(value(back, TagFromName.SpecificCharacterSet)).isEqualTo("ISO_IR 192");
        assertThat(value(back, TagFromName.ClinicalTrialSiteName)).isEqualTo("Klinik Zürich");
        assertThat(value(back, TagFromName.StudyDescription)).isEqualTo("Head");
        assertThat(contains(out, "Klinik Zürich", StandardCharsets.UTF_8)).isTrue();
    }

    @Test
    void refusesStudyValuesTheDeclaredCharacterSetCannotHold() throws Exception {
        Path in = write("latin1-cjk.dcm", "ISO_IR 100", "Müller^Jürgen", "Kopf", "Kopf");
        ClinicalTrial trial = new ClinicalTrial("Sponsor", "P1", "P", "S1", "東京病院");
        Path out = dir.resolve("out-latin1-cjk.dcm");

        assertThatThrownBy(() -> new Pseudonymizer(PseudonymizationProfile.builtin("basic"),
                new PseudonymContext(Fixtures.SECRET, "SUBJ-1", trial)).pseudonymize(in, out))
                .isInstanceOf(PseudonymizationException.class)
                .hasMessageContaining(in.toString()).hasMessageContaining("ClinicalTrialSiteName");
        assertThat(out).doesNotExist();
    }

    /**
     * The finding: PixelMed reads ISO 2022 IR 87 but writes every such character as "?". The copy is
     * written in UTF-8 instead, and the dry run says so and shows the value as it will read.
     */
    @Test
    void japaneseIso2022ValuesAreWrittenBackAsTheyReadNeverAsQuestionMarks() throws Exception {
        String text = "頭部単純ＣＴ";
        Path in = writeIso2022Japanese("jp.dcm", text);
        assertThat(value(DicomFiles.read(in), TagFromName.StudyDescription)).isEqualTo(text);
        Path out = dir.resolve("out-jp.dcm");
        Pseudonymizer rt = Fixtures.rtResearch("SUBJ-1");

        rt.pseudonymize(in, out);
        DryRunReport report = rt.dryRun(in);

        AttributeList back = DicomFiles.read(out);
        assertThat(value(back, TagFromName.StudyDescription)).isEqualTo(text);
        assertThat(value(back, TagFromName.SpecificCharacterSet)).isEqualTo("ISO_IR 192");
        assertThat(contains(out, text, StandardCharsets.UTF_8)).isTrue();
        assertThat(report.entries()).filteredOn(e -> e.keyword().equals("StudyDescription")).singleElement()
                .satisfies(e -> assertThat(e.after()).isEqualTo(text));
        assertThat(report.entries()).filteredOn(e -> e.keyword().equals("SpecificCharacterSet")
                && e.action() == DryRunReport.Action.SET).singleElement().satisfies(e -> {
                    assertThat(e.before()).contains("ISO 2022 IR 87");
                    assertThat(e.after()).isEqualTo("ISO_IR 192");
                    assertThat(e.reason()).contains("StudyDescription").contains("ISO 2022 IR 87");
                });
    }

    @Test
    void aValueThatWasNeverDecodedFailsTheObjectNamingIt() throws Exception {
        AttributeList source = new AttributeList();
        SpecificCharacterSet utf8 = new SpecificCharacterSet(new String[] {"ISO_IR 192"});
        put(source, TagFromName.SpecificCharacterSet, "ISO_IR 192", utf8);
        put(source, TagFromName.PatientName, "Doe^Jane", utf8);
        com.pixelmed.dicom.SequenceAttribute concept = new com.pixelmed.dicom.SequenceAttribute(
                TagFromName.ConceptNameCodeSequence);
        AttributeList code = new AttributeList();
        put(code, TagFromName.CodeValue, "12\uFFFD", utf8);
        concept.addItem(code);
        source.put(concept);

        assertThatThrownBy(() -> Fixtures.rtResearch("SUBJ-1").pseudonymize(source))
                .isInstanceOf(PseudonymizationException.class)
                .hasMessageContaining("ConceptNameCodeSequence[0]/CodeValue").hasMessageContaining("ISO_IR 192")
                .hasMessageContaining("could not be decoded");
    }

    /**
     * PixelMed cannot encode ISO 2022 IR 87, so the value goes in as ASCII of the right length and its bytes are
     * then replaced by the JIS X 0208 bytes Java's ISO-2022-JP encoder gives (ESC $ B ... ESC ( B).
     */
    private Path writeIso2022Japanese(String name, String text) throws Exception {
        byte[] jis = text.getBytes(Charset.forName("ISO-2022-JP"));
        String placeholder = "X".repeat(jis.length);
        SpecificCharacterSet ascii = new SpecificCharacterSet(new String[0]);
        AttributeList list = new AttributeList();
        Attribute declaration = AttributeFactory.newAttribute(TagFromName.SpecificCharacterSet,
                DicomDictionary.StandardDictionary.getValueRepresentationFromTag(TagFromName.SpecificCharacterSet));
        declaration.addValue("");
        declaration.addValue("ISO 2022 IR 87");
        list.put(declaration);
        put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage, ascii);
        put(list, TagFromName.SOPInstanceUID, "1.2.826.0.1.3680043.10.999.11", ascii);
        put(list, TagFromName.PatientName, "Yamada^Tarou", ascii);
        put(list, TagFromName.PatientID, "PID-1", ascii);
        put(list, TagFromName.StudyDescription, placeholder, ascii);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        Path file = dir.resolve(name);
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(placeholder);
        System.arraycopy(jis, 0, bytes, at, jis.length);
        Files.write(file, bytes);
        return file;
    }

    private Path write(String name, String charset, String patientName, String studyDescription,
            String seriesDescription) throws Exception {
        SpecificCharacterSet cs = new SpecificCharacterSet(charset == null ? new String[0] : new String[] {charset});
        AttributeList list = new AttributeList();
        if (charset != null) {
            put(list, TagFromName.SpecificCharacterSet, charset, cs);
        }
        put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage, cs);
        put(list, TagFromName.SOPInstanceUID, "1.2.826.0.1.3680043.10.999.1", cs);
        put(list, TagFromName.StudyInstanceUID, "1.2.826.0.1.3680043.10.999.2", cs);
        put(list, TagFromName.SeriesInstanceUID, "1.2.826.0.1.3680043.10.999.3", cs);
        put(list, TagFromName.Modality, "CT", cs);
        put(list, TagFromName.PatientName, patientName, cs);
        put(list, TagFromName.PatientID, "PID-1", cs);
        put(list, TagFromName.StudyDescription, studyDescription, cs);
        put(list, TagFromName.SeriesDescription, seriesDescription, cs);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        Path file = dir.resolve(name);
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    /** The shortcut that skips PixelMed's round trip must never accept a character some character set changes. */
    @Test
    void asciiShortcutHoldsInEveryDefinedTerm() throws Exception {
        String[] terms = {"ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144",
            "ISO_IR 127", "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 166", "ISO_IR 13", "ISO_IR 192",
            "GB18030", "GBK", "ISO 2022 IR 13\\ISO 2022 IR 87", "ISO 2022 IR 6\\ISO 2022 IR 149",
            "ISO 2022 IR 6\\ISO 2022 IR 58"};
        int accepted = 0;
        for (String term : terms) {
            SpecificCharacterSet cs = new SpecificCharacterSet(term.split("\\\\"));
            for (char c = 0; c < 0x80; c++) {
                String text = "A" + c + "z";
                if (StudyAttributes.asciiInEveryCharacterSet(text)) {
                    accepted++;
                    byte[] bytes = cs.translateStringToByteArray(text);
                    assertThat(bytes).as("%s: U+%04X", term, (int) c)
                            .isEqualTo(text.getBytes(StandardCharsets.US_ASCII));
                    assertThat(cs.translateByteArrayToString(bytes, 0, bytes.length)).as("%s: U+%04X", term, (int) c)
                            .isEqualTo(text);
                }
            }
        }
        assertThat(accepted).as("characters taken by the shortcut, over all terms").isEqualTo(terms.length * 93);
        assertThat(StudyAttributes.asciiInEveryCharacterSet("Yen\\")).isFalse();
        assertThat(StudyAttributes.asciiInEveryCharacterSet("over~line")).isFalse();
        assertThat(StudyAttributes.asciiInEveryCharacterSet("Müller")).isFalse();
    }

    private static void put(AttributeList list, AttributeTag tag, String value, SpecificCharacterSet cs)
            throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag,
                DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag), cs);
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    private static boolean contains(Path file, String text, Charset charset) throws Exception {
        byte[] haystack = Files.readAllBytes(file);
        byte[] needle = text.getBytes(charset);
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
