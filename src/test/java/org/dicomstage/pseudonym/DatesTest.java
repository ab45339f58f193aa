package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Timezone offsets go with (0008,0201); partial dates and date-times move at their own precision. */
class DatesTest {

    private static final AttributeTag CALIBRATION_DATE_TIME = new AttributeTag(0x0018, 0x1203);

    @Test
    void aDtKeepsItsOffsetExactlyWhenTimezoneOffsetFromUtcStays() throws Exception {
        AttributeList source = new AttributeList();
        put(source, TagFromName.TimezoneOffsetFromUTC, "SH", "+0100");
        put(source, TagFromName.AcquisitionDateTime, "DT", "20240315101010+0100");
        put(source, CALIBRATION_DATE_TIME, "DT", "20240101080000+0100");

        // rt-research: modified dates, so (0008,0201) stays, and so do the suffixes.
        Pseudonymizer shifted = Fixtures.rtResearch("SUBJ-1");
        AttributeList kept = shifted.pseudonymize(source);
        // Retain Device Identity alone keeps the calibration date-time (K) but removes (0008,0201).
        AttributeList removed = profile("retainDeviceIdentity: true").pseudonymize(source);

        assertThat(value(kept, TagFromName.TimezoneOffsetFromUTC)).isEqualTo("+0100");
        assertThat(value(kept, TagFromName.AcquisitionDateTime)).endsWith("101010+0100").isNotEqualTo(
                "20240315101010+0100");
        assertThat(kept.get(TagFromName.TimezoneOffsetFromUTC)).isNotNull();
        assertThat(removed.get(TagFromName.TimezoneOffsetFromUTC)).isNull();
        assertThat(value(removed, CALIBRATION_DATE_TIME)).isEqualTo("20240101080000");
    }

    @Test
    void aYearOnlyOrYearMonthDateTimeIsShiftedAtItsOwnPrecision() throws Exception {
        AttributeList source = new AttributeList();
        put(source, TagFromName.AcquisitionDateTime, "DT", "2024");
        put(source, TagFromName.ContentDate, "DA", "20240315");
        put(source, new AttributeTag(0x0008, 0x0021), "DA", "202403");

        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);

        assertThat(value(result, TagFromName.AcquisitionDateTime)).matches("20(23|24)");
        assertThat(value(result, new AttributeTag(0x0008, 0x0021))).matches("20(23|24)[01]\\d");
        assertThat(value(result, TagFromName.ContentDate)).matches("20(23|24)\\d{4}").isNotEqualTo("20240315");
    }

    @Test
    void partialValuesMoveAsTheMiddleOfTheirPeriodWould() {
        assertThat(AttributeActions.shiftValue("2024", true, -30, true)).isEqualTo("2024");
        assertThat(AttributeActions.shiftValue("2024", true, -200, true)).isEqualTo("2023");
        assertThat(AttributeActions.shiftValue("202403", false, -10, true)).isEqualTo("202403");
        assertThat(AttributeActions.shiftValue("202403", false, -20, true)).isEqualTo("202402");
        assertThat(AttributeActions.shiftValue("2024+0100", true, -1, true)).isEqualTo("2024+0100");
        assertThat(AttributeActions.shiftValue("2024+0100", true, -1, false)).isEqualTo("2024");
        assertThat(AttributeActions.shiftValue("20240301120000.5-0500", true, -1, true))
                .isEqualTo("20240229120000.5-0500");
        assertThat(AttributeActions.shiftValue("March", false, -1, true)).isNull();
    }

    private static Pseudonymizer profile(String option) {
        return new Pseudonymizer(PseudonymizationProfile.parse("name: one\noptions:\n  " + option + "\n"),
                Fixtures.context("SUBJ-1"));
    }

    private static void put(AttributeList list, AttributeTag tag, String vr, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII));
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
