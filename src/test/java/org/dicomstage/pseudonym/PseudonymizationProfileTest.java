package org.dicomstage.pseudonym;

import org.dicomstage.pseudonym.PseudonymizationProfile.Dates;
import org.dicomstage.pseudonym.PseudonymizationProfile.PatientIdentity;
import org.dicomstage.pseudonym.PseudonymizationProfile.SafePrivateTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PseudonymizationProfileTest {

    @TempDir
    Path dir;

    @Test
    void builtInProfilesSayWhatTheyRetain() {
        PseudonymizationProfile basic = PseudonymizationProfile.builtin("basic");
        PseudonymizationProfile rt = PseudonymizationProfile.builtin("rt-research");

        assertThat(basic.name()).isEqualTo("basic");
        assertThat(basic.patientIdentity()).isEqualTo(PatientIdentity.SUBJECT_ID);
        assertThat(basic.dates()).isEqualTo(Dates.REMOVE);
        assertThat(basic.retainSafePrivate()).isFalse();
        assertThat(rt.name()).isEqualTo("rt-research");
        assertThat(rt.patientIdentity()).isEqualTo(PatientIdentity.PSEUDONYM);
        assertThat(rt.pseudonymPrefix()).isEqualTo("RT-");
        assertThat(rt.dates()).isEqualTo(Dates.SHIFTED);
        assertThat(rt.maxDateShiftDays()).isEqualTo(365);
        assertThat(rt.retainPatientCharacteristics()).isTrue();
        assertThat(rt.retainDeviceIdentity()).isTrue();
        assertThat(rt.retainInstitutionIdentity()).isFalse();
        assertThat(rt.cleanDescriptors()).isTrue();
        assertThat(rt.safePrivate()).contains(new SafePrivateTag("GEMS_ACQU_01", 0x0019, 0x23));
    }

    @Test
    void loadsAProfileFile() throws Exception {
        Path file = dir.resolve("study.yaml");
        Files.writeString(file, """
                name: study-42
                patientIdentity: {mode: PSEUDONYM, prefix: S42-}
                options:
                  longitudinalTemporalInformation: FULL
                  retainInstitutionIdentity: true
                """);

        PseudonymizationProfile profile = PseudonymizationProfile.load(file);

        assertThat(profile.name()).isEqualTo("study-42");
        assertThat(profile.dates()).isEqualTo(Dates.FULL);
        assertThat(profile.retainInstitutionIdentity()).isTrue();
        assertThat(profile.retainDeviceIdentity()).isFalse();
        assertThat(new Pseudonymizer(profile, Fixtures.context("X")).patientPseudonym()).startsWith("S42-");
    }

    @Test
    void offersEveryOption() {
        PseudonymizationProfile uids = PseudonymizationProfile.parse("name: x\noptions: {retainUIDs: true}");

        assertThat(uids.retainUIDs()).isTrue();
        assertThat(PseudonymizationProfile.builtin("rt-research").retainUIDs()).isFalse();
        assertThat(PseudonymizationProfile.parse("name: x\noptions: {cleanGraphics: true}").cleanGraphics()).isTrue();
        assertThat(PseudonymizationProfile.parse("name: x\noptions: {cleanStructuredContent: true}")
                .cleanStructuredContent()).isTrue();
        assertThat(PseudonymizationProfile.parse("name: x\noptions: {cleanGraphics: false}").cleanGraphics())
                .isFalse();
    }

    @Test
    void keepsOnlyUnknownAttributesThatNothingElseDecides() {
        PseudonymizationProfile profile = PseudonymizationProfile.parse(
                "name: x\nkeepUnknownAttributes: [\"3010,0101\"]");

        assertThat(profile.keepUnknownAttributes()).containsExactly(new com.pixelmed.dicom.AttributeTag(0x3010,
                0x0101));
        assertThatThrownBy(() -> PseudonymizationProfile.parse("name: x\nkeepUnknownAttributes: [\"0010,0010\"]"))
                .hasMessageContaining("PatientName").hasMessageContaining("known");
        assertThatThrownBy(() -> PseudonymizationProfile.parse("name: x\nkeepUnknownAttributes: [\"0019,1001\"]"))
                .hasMessageContaining("private");
        assertThatThrownBy(() -> PseudonymizationProfile.parse("name: x\nkeepUnknownAttributes: [30100101]"))
                .hasMessageContaining("quoted tag");
    }

    @Test
    void rejectsTyposAndIncompleteOptions() {
        assertThatThrownBy(() -> PseudonymizationProfile.parse("name: x\noptions: {retainDeviceIdentiy: true}"))
                .hasMessageContaining("retainDeviceIdentiy");
        assertThatThrownBy(() -> PseudonymizationProfile.parse(
                "name: x\noptions: {longitudinalTemporalInformation: SHIFTED}"))
                .hasMessageContaining("maxDateShiftDays");
        assertThatThrownBy(() -> PseudonymizationProfile.parse(
                "name: x\noptions: {retainSafePrivate: [{creator: ACME, group: 19, element: \"10\"}]}"))
                .hasMessageContaining("quoted hex");
        assertThatThrownBy(() -> PseudonymizationProfile.parse("options: {}")).hasMessageContaining("name");
        assertThatThrownBy(() -> PseudonymizationProfile.builtin("../etc/passwd"))
                .hasMessageContaining("no built-in profile");
    }
}
