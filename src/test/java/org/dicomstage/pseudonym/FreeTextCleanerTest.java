package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.pseudonym.FreeTextCleaner.Cleaned;
import org.dicomstage.pseudonym.FreeTextCleaner.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The text cleaner on its own: what leaves a free-text value, and what stays because it identifies nobody. */
class FreeTextCleanerTest {

    /** Names of the object sit at any depth and in any PN attribute, not only in the patient's name. */
    private static AttributeList object() throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.PatientName, "Jones^Peter");
        put(list, TagFromName.PatientID, "HNC-0522");
        put(list, TagFromName.AccessionNumber, "ACC778899");
        put(list, TagFromName.OtherPatientNames, "Jones^Mary");
        put(list, TagFromName.ReferringPhysicianName, "Wong^Alice^^Dr.");
        SequenceAttribute observers = new SequenceAttribute(TagFromName.VerifyingObserverSequence);
        AttributeList item = new AttributeList();
        put(item, TagFromName.VerifyingObserverName, "Li^Wei");
        observers.addItem(item);
        list.put(observers);
        return list;
    }

    private static FreeTextCleaner cleaner() throws Exception {
        return FreeTextCleaner.of(ObjectIdentifiers.of(object()));
    }

    @Test
    void removesTheIssuesExamples() throws Exception {
        FreeTextCleaner cleaner = cleaner();

        Cleaned comments = cleaner.clean("Referred by Dr. Alice Wong, call 555-0199", 10240);
        Cleaned history = cleaner.clean("Lives at 12 Main Street with Wife Mary Jones", 10240);
        Cleaned description = cleaner.clean("CT Thorax Dr. Alice Wong", 64);

        assertThat(comments.text()).isEqualTo("Referred by Dr. [name], call [phone]");
        assertThat(comments.removed()).containsExactlyInAnyOrder(Kind.NAME, Kind.PHONE);
        assertThat(history.text()).isEqualTo("Lives at [address] with Wife [name]");
        assertThat(description.text()).isEqualTo("CT Thorax Dr. [name]");
    }

    @Test
    void removesNamesFromEveryPersonNameAtAnyDepthAsWholeWordsOfTwoCharactersAndUp() throws Exception {
        FreeTextCleaner cleaner = cleaner();

        assertThat(cleaner.clean("reviewed by LI wei", 64).text()).isEqualTo("reviewed by [name]");
        assertThat(cleaner.clean("see JONES's prior", 64).text()).isEqualTo("see [name]'s prior");
        // Whole words only: "Li" inside "Linac", "Wong" inside "Wongs" are no names.
        assertThat(cleaner.clean("Linac 2, Wongsville", 64).changed()).isFalse();
        // The title is not part of a name: "Dr" elsewhere stays.
        assertThat(cleaner.clean("Dr check", 64).changed()).isFalse();
    }

    @Test
    void removesIdsDatesMailAndPostCodes() throws Exception {
        FreeTextCleaner cleaner = cleaner();

        assertThat(cleaner.clean("prior HNC0522 and ACC778899", 64).text()).isEqualTo("prior [id] and [id]");
        assertThat(cleaner.clean("scan 2024-03-01, plan 01.04.2024, 20240405, 3 Jan 2024", 1024).text())
                .isEqualTo("scan [date], plan [date], [date], [date]");
        assertThat(cleaner.clean("mail a.wong@hospital.example.org", 64).text()).isEqualTo("mail [e-mail]");
        assertThat(cleaner.clean("from SW1A 1AA and 10115 Berlin", 64).text())
                .isEqualTo("from [address] and [address]");
        assertThat(cleaner.clean("tel +49 30 1234567", 64).text()).isEqualTo("tel [phone]");
    }

    @Test
    void keepsClinicalTextThatIdentifiesNobody() throws Exception {
        FreeTextCleaner cleaner = cleaner();

        for (String text : new String[] {"CT Thorax 5mm", "70 Gy in 35 fractions", "512 512 120 kV",
            "Plan v2.1.10 PTV_70", "RT Head Neck", "1.5 T MR", "Phase 2 boost 16 Gy / 8 fx"}) {
            assertThat(cleaner.clean(text, 64).changed()).as(text).isFalse();
        }
    }

    @Test
    void theSafetyNetRemovesOnlyNamesAndIds() throws Exception {
        FreeTextCleaner cleaner = cleaner();

        Cleaned station = cleaner.cleanNamesAndIds("Wong CT 555-0199 2024-03-01", 64);

        assertThat(station.text()).isEqualTo("[name] CT 555-0199 2024-03-01");
    }

    @Test
    void reportsValuesItCannotCleanSafely() throws Exception {
        FreeTextCleaner cleaner = cleaner();

        Cleaned undecodable = cleaner.clean("Kopf \uFFFD\uFFFD", 64);
        Cleaned tooLong = cleaner.clean("Li Li", 5);

        assertThat(undecodable.text()).isNull();
        assertThat(undecodable.unsafe()).contains("decoded");
        // One-character placeholders keep a value within its VR's length.
        assertThat(tooLong.text()).isEqualTo("*");
    }

    @Test
    void findsIdeographicNamesWithoutSpaces() throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.PatientName, "Yamada^Tarou=山田^太郎");

        Cleaned cleaned = FreeTextCleaner.of(ObjectIdentifiers.of(list)).clean("山田太郎様 頭部CT", 64);

        assertThat(cleaned.text()).isEqualTo("[name]様 頭部CT");
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag,
                DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag));
        attribute.addValue(value);
        list.put(attribute);
    }
}
