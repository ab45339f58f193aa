package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.pseudonym.Pseudonymizer;
import org.dicomstage.staging.SeriesVerification.CopyIdentity;
import org.junit.jupiter.api.Test;

/**
 * The reviewer's "who is this patient now": read from a copy the real pseudonymizer made, so the words must match
 * what the copy carries (its PatientID, its dates moved by exactly the days said, the Options it records).
 */
class ReviewIdentityTest {

    private static final byte[] SECRET = "review-identity-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final ClinicalTrial TRIAL = new ClinicalTrial("Sponsor AG", "PROT-7", null, "S01", "Site 1");
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    @Test
    void rtResearchShowsTheSubjectIdAsPatientAndTheDaysTheCopysDatesMovedBack() throws Exception {
        PseudonymizationProfile profile = PseudonymizationProfile.builtin("rt-research");
        Pseudonymizer pseudonymizer = new Pseudonymizer(profile, new PseudonymContext(SECRET, "HN-007", TRIAL));
        AttributeList copy = pseudonymizer.pseudonymize(source("PID-0007", "Kowalski^Anna", "20260302"));

        ReviewIdentity identity = new ReviewIdentity();
        identity.add("HN-007", profile, pseudonymizer.dateShiftDays(), identityOf(copy));
        identity.add("HN-007", profile, pseudonymizer.dateShiftDays(), identityOf(copy));
        Map<String, Object> row = identity.rows().getFirst();

        assertThat(identity.rows()).as("one row per subject, however many series").hasSize(1);
        assertThat(row).containsEntry(ReviewIdentity.SUBJECT, "HN-007")
                .containsEntry(ReviewIdentity.PATIENT_ID, value(copy, TagFromName.PatientID))
                .containsEntry(ReviewIdentity.PATIENT_NAME, value(copy, TagFromName.PatientName))
                .containsEntry(ReviewIdentity.PROFILE, "rt-research");
        assertThat(row.toString()).doesNotContain("PID-0007", "Kowalski", "Anna");
        long movedBack = ChronoUnit.DAYS.between(LocalDate.parse(value(copy, TagFromName.StudyDate), DA),
                LocalDate.parse("20260302", DA));
        assertThat(movedBack).isBetween(1L, 365L);
        assertThat((String) row.get(ReviewIdentity.DATES)).startsWith("shifted back by " + movedBack + " day")
                .contains("1 to 365 days");
        assertThat((String) row.get(ReviewIdentity.OPTIONS))
                .contains("Retain Longitudinal Temporal Information Modified Dates Option", "Clean Descriptors Option")
                .doesNotContain(ReviewIdentity.BASIC_PROFILE);
    }

    @Test
    void theBasicProfileSaysDatesAreNotKeptAndNoOptionApplies() throws Exception {
        PseudonymizationProfile profile = PseudonymizationProfile.builtin("basic");
        Pseudonymizer pseudonymizer = new Pseudonymizer(profile, new PseudonymContext(SECRET, "HN-008", TRIAL));
        AttributeList copy = pseudonymizer.pseudonymize(source("PID-0008", "Doe^John", "20260302"));

        ReviewIdentity identity = new ReviewIdentity();
        identity.add("HN-008", profile, pseudonymizer.dateShiftDays(), identityOf(copy));
        Map<String, Object> row = identity.rows().getFirst();

        assertThat(value(copy, TagFromName.StudyDate)).as("the copy keeps no true date").isNotEqualTo("20260302");
        assertThat(row.get(ReviewIdentity.DATES)).isEqualTo(
                "not kept: removed, emptied or replaced by a dummy (Basic Profile)");
        assertThat(row.get(ReviewIdentity.OPTIONS)).isEqualTo("none: Basic Profile only");
        assertThat(row.get(ReviewIdentity.PATIENT_ID)).isEqualTo(value(copy, TagFromName.PatientID))
                .isNotEqualTo("PID-0008");
    }

    @Test
    void instancesThatDisagreeAreShownSoAndANeverReadCopySaysSo() {
        PseudonymizationProfile profile = PseudonymizationProfile.builtin("basic");
        ReviewIdentity identity = new ReviewIdentity();
        identity.add("HN-009", profile, 0, new CopyIdentity(List.of("HN-009"), List.of(""), List.of()));
        identity.add("HN-009", profile, 0, new CopyIdentity(List.of("OTHER"), List.of(""), List.of()));
        identity.add("HN-010", profile, 0, CopyIdentity.NONE);

        assertThat(identity.rows()).extracting(r -> r.get(ReviewIdentity.PATIENT_ID), r -> r.get(ReviewIdentity.PATIENT_NAME))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("HN-009, OTHER (differs between instances)", "(empty)"),
                        org.assertj.core.groups.Tuple.tuple("(no instance read)", "(no instance read)"));
        assertThat(identity.rows().get(1).get(ReviewIdentity.OPTIONS)).isEqualTo("not recorded in the copy");
    }

    /** What SeriesVerifier reads from a copy's header. */
    private static CopyIdentity identityOf(AttributeList copy) {
        List<String> methods = new ArrayList<>();
        SequenceAttribute codes = (SequenceAttribute) copy.get(TagFromName.DeidentificationMethodCodeSequence);
        for (int i = 0; i < codes.getNumberOfItems(); i++) {
            methods.add(Attribute.getSingleStringValueOrEmptyString(codes.getItem(i).getAttributeList(),
                    TagFromName.CodeMeaning));
        }
        return new CopyIdentity(List.of(value(copy, TagFromName.PatientID)), List.of(value(copy, TagFromName.PatientName)),
                methods);
    }

    private static AttributeList source(String pid, String name, String studyDate) throws Exception {
        AttributeList list = new AttributeList();
        put(list, TagFromName.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.2");
        put(list, TagFromName.SOPInstanceUID, "UI", "1.2.826.0.1.3680043.10.99.1.1.1");
        put(list, TagFromName.StudyInstanceUID, "UI", "1.2.826.0.1.3680043.10.99.1");
        put(list, TagFromName.SeriesInstanceUID, "UI", "1.2.826.0.1.3680043.10.99.1.1");
        put(list, TagFromName.Modality, "CS", "CT");
        put(list, TagFromName.PatientID, "LO", pid);
        put(list, TagFromName.PatientName, "PN", name);
        put(list, TagFromName.StudyDate, "DA", studyDate);
        return list;
    }

    private static void put(AttributeList list, AttributeTag tag, String vr, String value) throws Exception {
        Attribute a = AttributeFactory.newAttribute(tag, vr.getBytes(StandardCharsets.US_ASCII));
        a.addValue(value);
        list.put(a);
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
