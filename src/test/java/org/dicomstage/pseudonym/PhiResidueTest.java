package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.pseudonym.ConfidentialityTable.Option;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.PhiLadenGenerator;
import org.dicomstage.testing.PhiScanner;
import org.dicomstage.testing.PhiScanner.Residue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PhiResidueTest {

    @TempDir
    Path dir;

    @Test
    void basicProfileLeavesNoPlantedIdentifierAnywhere() throws Exception {
        PhiLadenGenerator.Study study = PhiLadenGenerator.write(dir.resolve("in"));
        assertThat(study.phi()).hasSizeGreaterThan(300);
        // The generator really planted them (the scan finds them in the source).
        AttributeList source = DicomFiles.read(study.files().get(0));
        assertThat(PhiScanner.residues(source, study.phi().keySet())).hasSizeGreaterThan(200);

        List<Residue> residues = new ArrayList<>();
        for (Path file : study.files()) {
            Path out = dir.resolve("out").resolve(file.getFileName());
            Fixtures.basic("SUBJ-001").pseudonymize(file, out);
            residues.addAll(PhiScanner.residues(DicomFiles.read(out), study.phi().keySet()));
        }

        assertThat(residues).isEmpty();
    }

    @Test
    void rtResearchKeepsOnlyWhatItsOptionsRetain() throws Exception {
        PhiLadenGenerator.Study study = PhiLadenGenerator.write(dir.resolve("in"));
        Set<Option> retained = Fixtures.rtResearch("SUBJ-001").profile().options();
        Set<String> retainedKeywords = ConfidentialityTable.standard().rules().stream()
                .filter(rule -> rule.options().keySet().stream().anyMatch(retained::contains))
                .map(ConfidentialityTable.Rule::keyword).collect(Collectors.toSet());

        List<Residue> unexpected = new ArrayList<>();
        AttributeList ct = null;
        for (Path file : study.files()) {
            Path out = dir.resolve("out").resolve(file.getFileName());
            Fixtures.rtResearch("SUBJ-001").pseudonymize(file, out);
            AttributeList written = DicomFiles.read(out);
            ct = ct == null ? written : ct;
            for (Residue residue : PhiScanner.residues(written, study.phi().keySet())) {
                String plantedAt = study.phi().get(residue.phi());
                // "Occupation(UN)": sent as UN, read by its dictionary VR, and then under its row like any other.
                boolean allowed = Arrays.stream(plantedAt.split("[/\\[\\]0-9()]+"))
                        .anyMatch(retainedKeywords::contains);
                if (!allowed) {
                    unexpected.add(residue);
                }
            }
        }

        assertThat(unexpected).isEmpty();
        // Clean Descriptors keeps descriptions, without the words naming the patient.
        assertThat(Attribute.getSingleStringValueOrEmptyString(ct, TagFromName.SeriesDescription))
                .isEqualTo("CT Thorax [name]");
        assertThat(PhiScanner.values(ct).values()).noneMatch(v -> v.contains(PhiLadenGenerator.FAMILY_NAME)
                || v.contains(PhiLadenGenerator.GIVEN_NAME) || v.contains(PhiLadenGenerator.PATIENT_ID));
        assertThat(Attribute.getSingleStringValueOrEmptyString(ct, TagFromName.PatientName))
                .startsWith("RT-").isEqualTo(Fixtures.rtResearch("SUBJ-001").patientPseudonym());
    }
}
