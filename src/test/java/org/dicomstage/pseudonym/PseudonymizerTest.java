package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnknownAttribute;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PseudonymizerTest {

    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;

    @Test
    void dryRunListsThePatientNameChangeAndLeavesTheSourceAlone() throws Exception {
        AttributeList source = DicomFiles.read(SharedData.pydicom("CT_small.dcm"));
        String name = Attribute.getSingleStringValueOrEmptyString(source, TagFromName.PatientName);
        Pseudonymizer pseudonymizer = Fixtures.rtResearch("SUBJ-42");

        DryRunReport report = pseudonymizer.dryRun(source);
        AttributeList result = pseudonymizer.pseudonymize(source);

        assertThat(report.changes()).anySatisfy(e -> {
            assertThat(e.keyword()).isEqualTo("PatientName");
            assertThat(e.action()).isEqualTo(DryRunReport.Action.SET);
            assertThat(e.before()).isEqualTo(name);
            assertThat(e.after()).isEqualTo(pseudonymizer.patientPseudonym());
        });
        assertThat(report.changes()).anySatisfy(e -> assertThat(e.action()).isEqualTo(DryRunReport.Action.MAP_UID));
        assertThat(Attribute.getSingleStringValueOrEmptyString(source, TagFromName.PatientName)).isEqualTo(name);
        assertThat(Attribute.getSingleStringValueOrEmptyString(result, TagFromName.PatientName))
                .isEqualTo(pseudonymizer.patientPseudonym());
        assertThat(result).isNotSameAs(source);
    }

    @Test
    void patientPseudonymIsStableAndSubjectSpecific() {
        assertThat(Fixtures.rtResearch("SUBJ-1").patientPseudonym())
                .isEqualTo(Fixtures.rtResearch("SUBJ-1").patientPseudonym())
                .isNotEqualTo(Fixtures.rtResearch("SUBJ-2").patientPseudonym()).matches("RT-[0-9A-F]{16}");
        assertThat(Fixtures.basic("SUBJ-1").patientPseudonym()).isEqualTo("SUBJ-1");
        assertThat(Fixtures.rtResearch("SUBJ-1").dateShiftDays()).isBetween(-365, -1);
        assertThat(Fixtures.basic("SUBJ-1").dateShiftDays()).isZero();
    }

    @Test
    void setsTrialAttributesAndListsExactlyTheOptionsApplied() throws Exception {
        AttributeList source = DicomFiles.read(SharedData.pydicom("CT_small.dcm"));

        AttributeList basic = Fixtures.basic("SUBJ-1").pseudonymize(source);
        AttributeList rt = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);

        assertThat(codes(basic)).containsExactly("113100");
        assertThat(codes(rt)).containsExactly("113100", "113104", "113105", "113107", "113108", "113109", "113111");
        assertThat(value(basic, TagFromName.PatientIdentityRemoved)).isEqualTo("YES");
        assertThat(value(basic, TagFromName.LongitudinalTemporalInformationModified)).isEqualTo("REMOVED");
        assertThat(value(rt, TagFromName.LongitudinalTemporalInformationModified)).isEqualTo("MODIFIED");
        assertThat(value(rt, TagFromName.ClinicalTrialSponsorName)).isEqualTo(Fixtures.TRIAL.sponsorName());
        assertThat(value(rt, TagFromName.ClinicalTrialProtocolID)).isEqualTo(Fixtures.TRIAL.protocolID());
        assertThat(value(rt, TagFromName.ClinicalTrialProtocolName)).isEqualTo(Fixtures.TRIAL.protocolName());
        assertThat(value(rt, TagFromName.ClinicalTrialSiteID)).isEqualTo(Fixtures.TRIAL.siteID());
        assertThat(value(rt, TagFromName.ClinicalTrialSiteName)).isEqualTo(Fixtures.TRIAL.siteName());
        assertThat(value(rt, TagFromName.ClinicalTrialSubjectID)).isEqualTo("SUBJ-1");
        assertThat(value(rt, TagFromName.StudyDate)).isNotEqualTo(value(source, TagFromName.StudyDate)).hasSize(8);
        assertThat(value(basic, TagFromName.StudyDate)).isEmpty();
        assertThat(value(rt, TagFromName.StudyTime)).isEqualTo(value(source, TagFromName.StudyTime));
        assertThat(value(rt, TagFromName.SOPClassUID)).isEqualTo(value(source, TagFromName.SOPClassUID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"priv_SQ.dcm", "nested_priv_SQ.dcm", "UN_sequence.dcm"})
    void removesPrivateAndUnSequencesAtEveryDepth(String name) throws Exception {
        AttributeList source = DicomFiles.read(SharedData.pydicom(name));
        assertThat(privateTags(source)).as("fixture has private attributes").isNotEmpty();

        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);
        DryRunReport report = Fixtures.rtResearch("SUBJ-1").dryRun(source);

        assertThat(privateTags(result)).isEmpty();
        assertThat(report.changes()).anySatisfy(e -> assertThat(e.reason()).contains("private"));
    }

    @Test
    void keepsAllowListedPrivateAttributesOnly() throws Exception {
        AttributeList source = new AttributeList();
        put(source, new AttributeTag(0x0019, 0x0010), "LO", "GEMS_ACQU_01");
        put(source, new AttributeTag(0x0019, 0x1023), "DS", "39.375");
        put(source, new AttributeTag(0x0019, 0x1099), "LO", "Jane Doe's scanner notes");
        put(source, new AttributeTag(0x0029, 0x0010), "LO", "ACME");
        put(source, new AttributeTag(0x0029, 0x1023), "DS", "1.5");

        AttributeList rt = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);
        AttributeList basic = Fixtures.basic("SUBJ-1").pseudonymize(source);

        assertThat(privateTags(rt)).containsExactlyInAnyOrder(new AttributeTag(0x0019, 0x0010),
                new AttributeTag(0x0019, 0x1023));
        assertThat(privateTags(basic)).isEmpty();
    }

    @Test
    void removesPublicAttributesThatArriveAsUnknownVr() throws Exception {
        AttributeList source = new AttributeList();
        UnknownAttribute model = new UnknownAttribute(TagFromName.ManufacturerModelName);
        model.setValues("Jane Doe  ".getBytes(StandardCharsets.US_ASCII));
        source.put(model);

        Pseudonymizer pseudonymizer = Fixtures.basic("SUBJ-1");
        AttributeList result = pseudonymizer.pseudonymize(source);

        assertThat(result.get(TagFromName.ManufacturerModelName)).isNull();
        assertThat(pseudonymizer.dryRun(source).changes()).anySatisfy(e -> {
            assertThat(e.keyword()).isEqualTo("ManufacturerModelName");
            assertThat(e.action()).isEqualTo(DryRunReport.Action.REMOVE);
            assertThat(e.reason()).contains("UN");
        });
    }

    @Test
    void scrubsKeptTextThatNamesThePatientAndUnlistedPersonNames() throws Exception {
        AttributeList source = new AttributeList();
        put(source, TagFromName.PatientName, "PN", "Doe^Jane");
        put(source, TagFromName.PatientBirthDate, "DA", "19610312");
        put(source, TagFromName.StudyDescription, "LO", "CT Thorax");
        put(source, TagFromName.SeriesDescription, "LO", "born 12.03.1961");
        put(source, TagFromName.ImageComments, "LT", "see JANE's old study");
        put(source, new AttributeTag(0x0008, 0x1090), "LO", "Scanner of doe");
        put(source, new AttributeTag(0x0FF0, 0x0001), "PN", "Someone^Else");

        AttributeList result = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);

        assertThat(value(result, TagFromName.StudyDescription)).isEqualTo("CT Thorax");
        assertThat(value(result, TagFromName.SeriesDescription)).isEqualTo("born [date]");
        assertThat(value(result, TagFromName.ImageComments)).isEqualTo("see [name]'s old study");
        assertThat(value(result, new AttributeTag(0x0008, 0x1090))).isEqualTo("Scanner of [name]");
        // Known to neither the table nor the dictionary: removed, and named (see the unknown-attribute tests).
        assertThat(result.get(new AttributeTag(0x0FF0, 0x0001))).isNull();
        assertThat(value(result, TagFromName.PatientBirthDate)).isEmpty();
    }

    @Test
    void retainDeviceIdentityCleansAeTitlesAndKeepsOnlyTheRowsItGrants() throws Exception {
        AttributeList source = new AttributeList();
        putKnown(source, "StationAETitle", "CT_MAIN_HOSP");
        putKnown(source, "ScheduledStationAETitle", "PLAN_WS_DRWONG");
        putKnown(source, "PerformedStationAETitle", "CT_MAIN_HOSP");
        putKnown(source, "DeviceSerialNumber", "SN-4711");
        putKnown(source, "DeviceDescription", "Linac bunker 2");
        putKnown(source, "TimezoneOffsetFromUTC", "+0100");
        AttributeTag deviceAlternateIdentifier = new AttributeTag(0x3010, 0x001B);
        put(source, deviceAlternateIdentifier, "UC", "LINAC-2-ALT");

        AttributeList rt = Fixtures.rtResearch("SUBJ-1").pseudonymize(source);
        AttributeList basic = Fixtures.basic("SUBJ-1").pseudonymize(source);
        AttributeList descriptorsOnly = new Pseudonymizer(PseudonymizationProfile.parse(
                "name: d\noptions: {cleanDescriptors: true}"), Fixtures.context("SUBJ-1")).pseudonymize(source);

        // C: a keyed name per device, the same for the same title, telling nothing about the site.
        String station = value(rt, DICTIONARY.getTagFromName("StationAETitle"));
        assertThat(station).matches("AE[0-9A-F]{14}")
                .isEqualTo(value(rt, DICTIONARY.getTagFromName("PerformedStationAETitle")))
                .isNotEqualTo(value(rt, DICTIONARY.getTagFromName("ScheduledStationAETitle")));
        assertThat(value(rt, DICTIONARY.getTagFromName("DeviceSerialNumber"))).isEqualTo("SN-4711");
        // Retain Device Identity does not mark Device Alternate Identifier: its basic Z applies.
        assertThat(rt.get(deviceAlternateIdentifier)).isNotNull();
        assertThat(value(rt, deviceAlternateIdentifier)).isEmpty();
        // The dates option keeps (0008,0201); Retain Device Identity alone does not.
        assertThat(value(rt, TagFromName.TimezoneOffsetFromUTC)).isEqualTo("+0100");
        assertThat(basic.get(DICTIONARY.getTagFromName("StationAETitle"))).isNull();
        assertThat(basic.get(TagFromName.TimezoneOffsetFromUTC)).isNull();
        // Device Description is Retain Device Identity's (K), not Clean Descriptors'.
        assertThat(descriptorsOnly.get(DICTIONARY.getTagFromName("DeviceDescription"))).isNull();
    }

    @Test
    void retainUidsKeepsInstanceUidsAndSaysSo() throws Exception {
        AttributeList source = DicomFiles.read(SharedData.pydicom("CT_small.dcm"));
        PseudonymizationProfile profile = PseudonymizationProfile.parse("name: u\noptions: {retainUIDs: true}");

        AttributeList kept = new Pseudonymizer(profile, Fixtures.context("SUBJ-1")).pseudonymize(source);
        AttributeList mapped = Fixtures.basic("SUBJ-1").pseudonymize(source);

        assertThat(value(kept, TagFromName.SOPInstanceUID)).isEqualTo(value(source, TagFromName.SOPInstanceUID));
        assertThat(value(kept, TagFromName.StudyInstanceUID)).isEqualTo(value(source, TagFromName.StudyInstanceUID));
        assertThat(value(mapped, TagFromName.SOPInstanceUID)).startsWith("2.25.");
        assertThat(codes(kept)).containsExactly("113100", "113110");
    }

    @Test
    void deidentificationMethodNamesTheEditionOfTheTable() throws Exception {
        AttributeList source = DicomFiles.read(SharedData.pydicom("CT_small.dcm"));

        for (Pseudonymizer pseudonymizer : List.of(Fixtures.basic("SUBJ-1"), Fixtures.rtResearch("SUBJ-1"))) {
            String[] method = pseudonymizer.pseudonymize(source).get(TagFromName.DeidentificationMethod)
                    .getStringValues();
            assertThat(method[0]).isEqualTo("DICOM PS3.15 2024b Table E.1-1");
            assertThat(method[1]).isEqualTo("Basic Application Confidentiality Profile");
        }
    }

    @Test
    void contextHidesAndCopiesTheSecret() {
        byte[] secret = Fixtures.SECRET.clone();
        PseudonymContext context = new PseudonymContext(secret, "SUBJ-1", Fixtures.TRIAL);
        secret[0] ^= 1;

        assertThat(context.studySecret()).isEqualTo(Fixtures.SECRET);
        assertThat(context.toString()).doesNotContain(new String(Fixtures.SECRET, StandardCharsets.US_ASCII))
                .doesNotContain("study-secret").contains("SUBJ-1");
        context.studySecret()[0] ^= 1;
        assertThat(context.studySecret()).isEqualTo(Fixtures.SECRET);
    }

    private static List<String> codes(AttributeList list) {
        SequenceAttribute sequence = (SequenceAttribute) list.get(TagFromName.DeidentificationMethodCodeSequence);
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < sequence.getNumberOfItems(); i++) {
            codes.add(Attribute.getSingleStringValueOrEmptyString(sequence.getItem(i).getAttributeList(),
                    TagFromName.CodeValue));
        }
        return codes;
    }

    static List<AttributeTag> privateTags(AttributeList list) {
        List<AttributeTag> tags = new ArrayList<>();
        for (Attribute attribute : list.values()) {
            if (attribute.getTag().isPrivate()) {
                tags.add(attribute.getTag());
            }
            if (attribute instanceof SequenceAttribute sequence) {
                for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                    tags.addAll(privateTags(sequence.getItem(i).getAttributeList()));
                }
            }
        }
        return tags;
    }

    private static void put(AttributeList list, AttributeTag tag, String vr, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII));
        attribute.addValue(value);
        list.put(attribute);
    }

    private static void putKnown(AttributeList list, String keyword, String value) throws Exception {
        AttributeTag tag = DICTIONARY.getTagFromName(keyword);
        Attribute attribute = AttributeFactory.newAttribute(tag, DICTIONARY.getValueRepresentationFromTag(tag));
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

}
