package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.dicomstage.pseudonym.ConfidentialityTable.Rule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each Option, alone, retains (K) or cleans (C) exactly the rows its column of Table E.1-1 marks, and leaves every
 * other row to the Basic Profile: one dataset holding every row that has a plain value, pseudonymized under a
 * profile that turns on one Option, checked attribute by attribute against the table.
 */
class OptionColumnsTest {

    /** What the study sets whatever the table says. */
    private static final Set<AttributeTag> SET_BY_STUDY = Set.of(TagFromName.PatientID, TagFromName.PatientName,
            TagFromName.ClinicalTrialSponsorName, TagFromName.ClinicalTrialProtocolID,
            TagFromName.ClinicalTrialProtocolName, TagFromName.ClinicalTrialSiteID, TagFromName.ClinicalTrialSiteName,
            TagFromName.ClinicalTrialSubjectID, TagFromName.PatientIdentityRemoved,
            TagFromName.LongitudinalTemporalInformationModified, TagFromName.DeidentificationMethod);

    /** The Options a profile can turn on in this version, each alone; null is the Basic Profile without any. */
    enum Alone {
        NONE(null, ""),
        UIDS(Option.UIDS, "retainUIDs: true"),
        DEVICE(Option.DEVICE, "retainDeviceIdentity: true"),
        INSTITUTION(Option.INSTITUTION, "retainInstitutionIdentity: true"),
        PATIENT(Option.PATIENT, "retainPatientCharacteristics: true"),
        FULL_DATES(Option.FULL_DATES, "longitudinalTemporalInformation: FULL"),
        MODIFIED_DATES(Option.MODIFIED_DATES, "longitudinalTemporalInformation: SHIFTED\n  maxDateShiftDays: 30"),
        DESCRIPTORS(Option.DESCRIPTORS, "cleanDescriptors: true");

        final Option option;
        final String yaml;

        Alone(Option option, String yaml) {
            this.option = option;
            this.yaml = yaml;
        }
    }

    @ParameterizedTest
    @EnumSource(Alone.class)
    void anOptionAloneRetainsOrCleansExactlyTheRowsOfItsColumn(Alone alone) throws Exception {
        PseudonymizationProfile profile = PseudonymizationProfile.parse("name: only\noptions:\n  "
                + (alone.yaml.isEmpty() ? "{}" : alone.yaml) + "\n");
        AttributeList source = new AttributeList();
        List<Rule> rows = new ArrayList<>();
        for (Rule rule : ConfidentialityTable.standard().rules()) {
            String vr = vr(rule);
            if (vr != null && value(rule.tag(), vr) != null) {
                Attribute attribute = AttributeFactory.newAttribute(rule.tag(), vr.getBytes(StandardCharsets.US_ASCII));
                attribute.addValue(value(rule.tag(), vr));
                source.put(attribute);
                rows.add(rule);
            }
        }
        assertThat(rows).hasSizeGreaterThan(400);

        AttributeList result = new Pseudonymizer(profile, Fixtures.context("SUBJ-1")).pseudonymize(source);

        List<String> wrong = new ArrayList<>();
        for (Rule rule : rows) {
            String expected = expectation(rule, alone.option);
            String before = source.get(rule.tag()).getDelimitedStringValuesOrEmptyString();
            Attribute out = result.get(rule.tag());
            String after = out == null ? null : out.getDelimitedStringValuesOrEmptyString();
            boolean ok = switch (expected) {
                case "keep" -> before.equals(after);
                case "remove" -> after == null;
                case "empty" -> "".equals(after);
                case "dummy" -> after != null && !after.isEmpty() && !after.equals(before);
                case "uid" -> after != null && after.startsWith("2.25.") && !after.equals(before);
                case "shift" -> after != null && after.length() == before.length() && !after.equals(before);
                case "ae" -> after != null && after.matches("AE[0-9A-F]{14}");
                default -> throw new IllegalStateException(expected);
            };
            if (!ok) {
                wrong.add(rule.tagText() + " " + rule.keyword() + " (" + rule.basic() + ", " + alone + "): expected "
                        + expected + ", '" + before + "' became " + (after == null ? "absent" : "'" + after + "'"));
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** What the standard asks of a row under one Option, in the terms the test can see in the output. */
    private static String expectation(Rule rule, Option option) {
        String vr = vr(rule);
        char cell = option == null ? 0 : rule.cell(option);
        if (cell == 'K') {
            return "keep";
        }
        if (cell == 'C') {
            String cleaned = switch (option) {
                case MODIFIED_DATES -> vr.equals("DA") || vr.equals("DT") ? "shift"
                        : vr.equals("TM") || vr.equals("SH") ? "keep" : null;
                case DEVICE -> vr.equals("AE") ? "ae" : TextCleaner.isText(vr) ? "keep" : null;
                case DESCRIPTORS, PATIENT -> TextCleaner.isText(vr) ? "keep" : null;
                default -> null;
            };
            if (cleaned != null) {
                return cleaned;
            }
        }
        String basic = rule.basic();
        if (basic.contains("U")) {
            return "uid";
        }
        if (basic.contains("D")) {
            return vr.equals("UI") ? "uid" : "dummy";
        }
        if (basic.contains("Z")) {
            return "empty";
        }
        return basic.equals("K") ? "keep" : "remove";
    }

    private static String vr(Rule rule) {
        AttributeTag tag = rule.tag();
        if (tag == null || tag.getGroup() < 0x0008 || SET_BY_STUDY.contains(tag)) {
            return null;
        }
        byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag);
        return vr == null ? null : new String(vr, StandardCharsets.US_ASCII);
    }

    /** A plain value of the VR, distinct per attribute so that no value names another's identifier. */
    private static String value(AttributeTag tag, String vr) {
        String hex = String.format(Locale.ROOT, "%04X%04X", tag.getGroup(), tag.getElement());
        return switch (vr) {
            case "AE" -> "S" + hex;
            case "AS" -> "045Y";
            case "CS" -> "C" + hex;
            case "DA" -> "20200115";
            case "DT" -> "20200115101010";
            case "TM" -> "101010";
            case "DS" -> "1.5";
            case "IS" -> "7";
            case "LO", "LT", "SH", "ST", "UC", "UT" -> "T" + hex;
            case "PN" -> "T" + hex + "^Q";
            case "UI" -> "1.2.3." + tag.getGroup() + "." + tag.getElement();
            case "US", "SS", "UL", "SL", "FL", "FD" -> "3";
            default -> null;
        };
    }
}
