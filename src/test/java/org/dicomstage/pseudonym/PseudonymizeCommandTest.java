package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.DicomFiles;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PseudonymizeCommandTest {

    @TempDir
    Path dir;

    private Path in;
    private Path secret;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    @BeforeEach
    void studyFolder() throws Exception {
        in = dir.resolve("in");
        Files.createDirectories(in.resolve("CT"));
        for (int i = 1; i <= 5; i++) {
            Files.copy(SharedData.rtSet().resolve("CT").resolve("CT." + i + ".dcm"), in.resolve("CT").resolve("CT." + i + ".dcm"));
        }
        for (String name : new String[] {"RS.dcm", "RP.dcm", "RD.dcm"}) {
            Files.copy(SharedData.rtSet().resolve(name), in.resolve(name));
        }
        secret = dir.resolve("secret");
        Files.writeString(secret, "a-study-secret-of-enough-length\n");
    }

    @Test
    void copiesTheFolderMirroredAndPrintsASummary() throws Exception {
        Path out = dir.resolve("out");

        int status = run("--profile", "rt-research", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--site-name", "Site", "--in", in.toString(), "--out", out.toString(),
                "--threads", "2");

        assertThat(status).as(stderr.toString()).isZero();
        assertThat(stdout.toString()).contains("pseudonymized 8 of 8 files", "bytes", "seconds", "files/s",
                "0 failed");
        assertThat(out.resolve("CT").resolve("CT.3.dcm")).isRegularFile();
        assertThat(Attribute.getSingleStringValueOrEmptyString(DicomFiles.read(out.resolve("RS.dcm")),
                TagFromName.ClinicalTrialSponsorName)).isEqualTo("Sponsor");
    }

    @Test
    void namesTheAttributesItRemovedBecauseNothingSaysWhatTheyAre() throws Exception {
        com.pixelmed.dicom.AttributeList list = DicomFiles.read(in.resolve("RS.dcm"));
        Attribute unknown = new com.pixelmed.dicom.LongStringAttribute(new com.pixelmed.dicom.AttributeTag(0x3010,
                0x0101));
        unknown.addValue("12 Main Street");
        list.put(unknown);
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(list,
                com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, "TEST");
        list.write(in.resolve("RS.dcm").toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true,
                true);

        int copied = run("--profile", "rt-research", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out",
                dir.resolve("out").toString());
        String copyOutput = stdout.toString();
        stdout.reset();
        int dryRun = run("--profile", "rt-research", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out",
                dir.resolve("dry").toString(), "--dry-run");

        assertThat(copied).as(stderr.toString()).isZero();
        assertThat(dryRun).as(stderr.toString()).isZero();
        for (String output : new String[] {copyOutput, stdout.toString()}) {
            assertThat(output).contains("removed attributes unknown to Table E.1-1 and the dictionary")
                    .contains("(3010,0101)");
        }
    }

    @Test
    void exitsNonZeroNamingTheBadFileAndWritesTheGoodOnes() throws Exception {
        Path bad = in.resolve("CT").resolve("broken.dcm");
        Files.copy(SharedData.pydicom("MR_truncated.dcm"), bad);
        Path out = dir.resolve("out");

        int status = run("--profile", "basic", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in",
                in.toString(), "--out", out.toString());

        assertThat(status).isEqualTo(PseudonymizeCommand.FAILED);
        assertThat(stderr.toString()).contains("FAILED " + bad, "truncated");
        assertThat(stdout.toString()).contains("pseudonymized 8 of 9 files", "1 failed");
        assertThat(out.resolve("CT").resolve("broken.dcm")).doesNotExist();
        assertThat(out.resolve("CT").resolve("CT.1.dcm")).isRegularFile();
    }

    @Test
    void aNewOutputFolderAppearsOnlyWhenTheRunIsDoneAndLeavesNoPartialFolder() throws Exception {
        Path out = dir.resolve("new").resolve("out");
        Files.copy(SharedData.pydicom("MR_truncated.dcm"), in.resolve("CT").resolve("broken.dcm"));

        int status = run("--profile", "rt-research", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out", out.toString());

        assertThat(status).isEqualTo(PseudonymizeCommand.FAILED);
        // Failures are named where the user will look, under --out, not in the run's partial folder.
        assertThat(stderr.toString()).doesNotContain(".partial-");
        try (var siblings = Files.list(out.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("out");
        }
        try (var files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(8);
        }
        assertThat(out.resolve("CT").resolve("broken.dcm")).doesNotExist();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                out.resolve("RS.dcm")))).as("pseudonymized files are their owner's only").isEqualTo("rw-------");
    }

    @Test
    void anOutputFolderThatHoldsFilesIsWrittenIntoReplacingEarlierCopies() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "kept");
        Files.writeString(out.resolve("RS.dcm"), "an earlier copy");

        int status = run("--profile", "rt-research", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out", out.toString());

        assertThat(status).as(stderr.toString()).isZero();
        assertThat(out.resolve("notes.txt")).hasContent("kept");
        assertThat(Attribute.getSingleStringValueOrEmptyString(DicomFiles.read(out.resolve("RS.dcm")),
                TagFromName.ClinicalTrialSponsorName)).isEqualTo("Sponsor");
        try (var files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(9);
        }
    }

    @Test
    void aFileThatIsNotDicomIsCalledSo() throws Exception {
        Path notes = Files.writeString(in.resolve("PROVENANCE.txt"), "Provenance: downloaded from ...\n");
        Path out = dir.resolve("out");

        int status = run("--profile", "basic", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out", out.toString());

        assertThat(status).isEqualTo(PseudonymizeCommand.FAILED);
        assertThat(stderr.toString()).contains("FAILED " + notes, "not a DICOM file", "starts with 'Provenan'")
                .doesNotContain("declares");
        assertThat(out.resolve("PROVENANCE.txt")).doesNotExist();
    }

    @Test
    void dryRunPrintsChangesAndWritesNothing() {
        Path out = dir.resolve("out");

        int status = run("--profile", "basic", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in",
                in.toString(), "--out", out.toString(), "--dry-run");

        assertThat(status).as(stderr.toString()).isZero();
        assertThat(stdout.toString()).contains("== RS.dcm").containsPattern("PatientName\\t\\(0010,0010\\)\\tPatientName\\tSET")
                .contains("MAP_UID");
        assertThat(out).doesNotExist();
    }

    @Test
    void refusesToWriteFilesWithoutTheType1ClinicalTrialAttributes() {
        Path out = dir.resolve("out");

        int status = run("--profile", "basic", "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                "--sponsor", "Sponsor", "--in", in.toString(), "--out", out.toString());

        assertThat(status).isEqualTo(PseudonymizeCommand.USAGE);
        assertThat(stderr.toString()).contains("--protocol-id", "ClinicalTrialProtocolID (0012,0020)", "Type 1")
                .doesNotContain("ClinicalTrialSponsorName (0012,0010)");
        assertThat(out).doesNotExist();
    }

    @Test
    void takesTheClinicalTrialFromTheProfileAndLetsOptionsWin() throws Exception {
        Path profile = dir.resolve("study.yaml");
        Files.writeString(profile, """
                name: study
                clinicalTrial: { sponsorName: Profile Sponsor, protocolID: PROT-9, siteName: Site Nine }
                """);
        Path out = dir.resolve("out");

        int status = run("--profile", profile.toString(), "--secret-file", secret.toString(), "--subject-id",
                "SUBJ-1", "--site-name", "Option Site", "--in", in.toString(), "--out", out.toString());

        assertThat(status).as(stderr.toString()).isZero();
        com.pixelmed.dicom.AttributeList written = DicomFiles.read(out.resolve("RP.dcm"));
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.ClinicalTrialSponsorName))
                .isEqualTo("Profile Sponsor");
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.ClinicalTrialProtocolID))
                .isEqualTo("PROT-9");
        assertThat(Attribute.getSingleStringValueOrEmptyString(written, TagFromName.ClinicalTrialSiteName))
                .isEqualTo("Option Site");
    }

    @Test
    void exitsNonZeroNamingAFileWhosePixelsMayCarryIdentity() throws Exception {
        Path flagged = in.resolve("CT").resolve("CT.2.dcm");
        DicomFiles.rewrite(SharedData.rtSet().resolve("CT").resolve("CT.2.dcm"), flagged,
                list -> DicomFiles.set(list, "BurnedInAnnotation", "YES"));
        Path out = dir.resolve("out");

        for (String profile : new String[] {"basic", "rt-research"}) {
            stderr.reset();
            int status = run("--profile", profile, "--secret-file", secret.toString(), "--subject-id", "SUBJ-1",
                    "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out",
                    out.resolve(profile).toString());

            assertThat(status).isEqualTo(PseudonymizeCommand.FAILED);
            assertThat(stderr.toString()).contains("FAILED " + flagged, "SOP instance " + SharedData.RT_CT_SOP_UIDS
                    .get(1), "refused by pixel rule 'default: BurnedInAnnotation YES'");
            assertThat(out.resolve(profile).resolve("CT").resolve("CT.2.dcm")).doesNotExist();
            assertThat(out.resolve(profile).resolve("CT").resolve("CT.1.dcm")).isRegularFile();
        }
    }

    @Test
    void rejectsMissingSecretWithUsage() {
        int status = run("--profile", "basic", "--subject-id", "S", "--in", in.toString(), "--out",
                dir.resolve("out").toString());

        assertThat(status).isEqualTo(PseudonymizeCommand.USAGE);
        assertThat(stderr.toString()).contains("--secret-file", "usage:");
    }

    private int run(String... args) {
        return PseudonymizeCommand.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }
}
