package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dicomstage.pseudonym.CleaningTest.item;
import static org.dicomstage.pseudonym.CleaningTest.put;
import static org.dicomstage.pseudonym.CleaningTest.value;

/** Clean Structured Content: an SR keeps its content tree, cleaned item by item, and its verifying observers. */
class StructuredContentTest {

    @TempDir
    Path dir;

    @Test
    void anSrKeepsItsContentTreeAndItsVerifyingObserversWithDummyValues() throws Exception {
        Path in = SharedData.pydicom("test-SR.dcm");
        Path out = dir.resolve("sr.dcm");

        Fixtures.rtResearch("SUBJ-1").pseudonymize(in, out);

        AttributeList source = DicomFiles.read(in);
        AttributeList copy = DicomFiles.read(out);
        // Same tree: every item at every depth, with the same value types and texts (this SR names nobody).
        assertThat(contentItems(copy)).isEqualTo(contentItems(source)).hasSizeGreaterThan(20);
        SequenceAttribute observers = (SequenceAttribute) copy.get(TagFromName.VerifyingObserverSequence);
        assertThat(observers.getNumberOfItems()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            AttributeList observer = observers.getItem(i).getAttributeList();
            assertThat(value(observer, TagFromName.VerifyingObserverName)).isEqualTo("ANONYMIZED");
            assertThat(value(observer, TagFromName.VerifyingOrganization)).isEqualTo("ANONYMIZED");
            assertThat(value(observer, TagFromName.VerificationDateTime)).hasSize(14).isNotEqualTo("20010213184746");
        }
        assertThat(value(copy, TagFromName.DeidentificationMethod)).contains("Clean Structured Content");
    }

    @Test
    void withoutTheOptionTheContentGoesButTheVerifyingObserversStayWithDummyValues() throws Exception {
        AttributeList copy = Fixtures.basic("SUBJ-1").pseudonymize(DicomFiles.read(SharedData.pydicom("test-SR.dcm")));

        assertThat(copy.get(TagFromName.ContentSequence)).isNull();
        AttributeList observer = item(copy, TagFromName.VerifyingObserverSequence, 0);
        assertThat(value(observer, TagFromName.VerifyingObserverName)).isEqualTo("ANONYMIZED");
        assertThat(value(observer, TagFromName.VerifyingOrganization)).isEqualTo("ANONYMIZED");
        assertThat(((SequenceAttribute) observer.get(TagFromName.VerifyingObserverIdentificationCodeSequence))
                .getNumberOfItems()).isZero();
        assertThat(value(copy, TagFromName.DeidentificationMethod)).doesNotContain("Clean Structured Content");
    }

    @Test
    void textItemsAreCleanedPersonNamesDummiedAndDatesShifted() throws Exception {
        AttributeList sr = new AttributeList();
        put(sr, TagFromName.SOPInstanceUID, "1.2.826.0.1.3680043.10.999.8");
        put(sr, TagFromName.PatientName, "Jones^Peter");
        put(sr, TagFromName.ValueType, "CONTAINER");
        SequenceAttribute content = new SequenceAttribute(TagFromName.ContentSequence);
        content.addItem(contentItem("TEXT", TagFromName.TextValue, "Seen by Dr. Alice Wong on 2024-03-01, Jones"));
        content.addItem(contentItem("PNAME", TagFromName.PersonName, "Wong^Alice"));
        content.addItem(contentItem("DATE", TagFromName.Date, "20240301"));
        sr.put(content);
        Pseudonymizer rt = Fixtures.rtResearch("SUBJ-1");
        List<InstanceReport> reports = new ArrayList<>();

        AttributeList copy = rt.pseudonymize(sr, reports::add);

        assertThat(value(item(copy, TagFromName.ContentSequence, 0), TagFromName.TextValue))
                .isEqualTo("Seen by Dr. [name] on [date], [name]");
        assertThat(value(item(copy, TagFromName.ContentSequence, 1), TagFromName.PersonName)).isEqualTo("ANONYMIZED");
        assertThat(value(item(copy, TagFromName.ContentSequence, 2), TagFromName.Date)).isEqualTo(
                LocalDate.of(2024, 3, 1).plusDays(rt.dateShiftDays()).format(DateTimeFormatter.BASIC_ISO_DATE));
        assertThat(value(item(copy, TagFromName.ContentSequence, 0), TagFromName.ValueType)).isEqualTo("TEXT");
        // What the reviewer sees includes the report's text.
        assertThat(reports.get(0).keptText())
                .contains(new KeptText("TextValue", "Seen by Dr. [name] on [date], [name]"));
    }

    private static AttributeList contentItem(String valueType, AttributeTag tag, String value) throws Exception {
        AttributeList item = new AttributeList();
        put(item, TagFromName.RelationshipType, "CONTAINS");
        put(item, TagFromName.ValueType, valueType);
        put(item, tag, value);
        return item;
    }

    /** Each content item as "depth ValueType TextValue", in document order. */
    private static List<String> contentItems(AttributeList list) {
        List<String> items = new ArrayList<>();
        collect(list, 0, items);
        return items;
    }

    private static void collect(AttributeList list, int depth, List<String> into) {
        Attribute content = list.get(TagFromName.ContentSequence);
        if (content instanceof SequenceAttribute sequence) {
            for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                AttributeList item = sequence.getItem(i).getAttributeList();
                into.add(depth + " " + value(item, TagFromName.ValueType) + " " + value(item, TagFromName.TextValue));
                collect(item, depth + 1, into);
            }
        }
    }
}
