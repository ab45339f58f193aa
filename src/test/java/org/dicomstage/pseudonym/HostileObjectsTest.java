package org.dicomstage.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.dicomstage.testing.HostileObjectGenerator;
import org.dicomstage.testing.HostileObjectGenerator.HostileObject;
import org.dicomstage.testing.SharedData;

/**
 * The hostile objects of issue 11 through the two paths that read files with the pseudonymizer: staging (prepare,
 * then the full read, as {@code SeriesStager} does) and the CLI. Each fails on its own with the file named and why;
 * nothing escapes as an {@link Error}.
 */
class HostileObjectsTest {

    @TempDir
    Path dir;

    @Test
    void stagingsReadRefusesEachObjectNamingIt() {
        Pseudonymizer pseudonymizer = Fixtures.rtResearch("SUBJ-1");
        for (HostileObject object : HostileObjectGenerator.all()) {
            Path in = object.write(dir.resolve("in"));
            Path out = dir.resolve("out").resolve(object.name() + ".dcm");
            assertThat(pseudonymizer.prepare(in)).as(object.name()).isNull();
            assertThatThrownBy(() -> pseudonymizer.pseudonymizeInFull(in, out)).as(object.name())
                    .isInstanceOf(PseudonymizationException.class)
                    .hasMessageContaining(in.toString())
                    .hasMessageContaining(HostileObjectGenerator.REASONS.get(object.name()));
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void theCliNamesEachObjectAndWritesTheSoundFile() throws Exception {
        Path in = dir.resolve("in");
        HostileObjectGenerator.all().forEach(o -> o.write(in));
        Files.copy(SharedData.rtSet().resolve("CT").resolve("CT.1.dcm"), in.resolve("CT.1.dcm"));
        Path secret = Files.writeString(dir.resolve("secret"), "a-study-secret-of-enough-length\n");
        Path out = dir.resolve("out");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        int status = PseudonymizeCommand.run(new String[] {"--profile", "rt-research", "--secret-file",
            secret.toString(), "--subject-id", "SUBJ-1", "--sponsor", "Sponsor", "--protocol-id", "P-1", "--in", in.toString(), "--out", out.toString(), "--threads",
            "2"}, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(PseudonymizeCommand.FAILED);
        assertThat(stdout.toString()).contains("pseudonymized 1 of 6 files");
        String errors = stderr.toString();
        HostileObjectGenerator.REASONS.forEach((name, reason) -> assertThat(errors).as(name)
                .containsPattern("FAILED \\S*" + name + "\\.dcm: .*" + java.util.regex.Pattern.quote(reason)));
        assertThat(out.resolve("CT.1.dcm")).isRegularFile();
        try (var written = Files.list(out)) {
            assertThat(written.toList()).hasSize(1);
        }
    }
}
