package org.dicomstage.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/dicom-stage-pseudonymize} as the README runs it, on the jar the build just packaged: the real RT set
 * comes out pseudonymized, the first run records its class cache and later runs use it, and a missing jar is named.
 */
class PseudonymizeLauncherIT {

    private static final Path LAUNCHER = Path.of("bin", "dicom-stage-pseudonymize").toAbsolutePath();

    @TempDir
    Path temp;

    @Test
    void pseudonymizesTheRtSetAndStartsFromItsCacheTheSecondTime() throws Exception {
        Path secret = Files.write(temp.resolve("study.secret"), Fixtures.SECRET);
        Path cache = temp.resolve("cache");
        Map<String, String> env = Map.of("DICOMSTAGE_CLI_CACHE", cache.toString(), "DICOMSTAGE_JAR", jar().toString());

        Result first = run(env, secret, temp.resolve("out1"));
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("first run with this jar and JDK: recording a start-up cache")
                .contains("pseudonymized 8 of 8 files");
        try (Stream<Path> cached = Files.walk(cache)) {
            assertThat(cached.map(p -> p.getFileName().toString()))
                    .as("the class cache the JVM wrote").anyMatch(n -> n.equals("cli.aot") || n.equals("cli.jsa"));
        }

        Result second = run(env, secret, temp.resolve("out2"));
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).doesNotContain("first run").contains("pseudonymized 8 of 8 files");
        List<Path> written = files(temp.resolve("out2"));
        assertThat(written).hasSize(8);
        for (Path file : written) {
            AttributeList list = new AttributeList();
            list.read(file.toFile());
            assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientID))
                    .isNotEqualTo(SharedData.RT_PATIENT_ID).isNotEmpty();
            assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientIdentityRemoved))
                    .isEqualTo("YES");
        }
    }

    @Test
    void aJavaWithoutReleaseFileIsAskedForItsVersion() throws Exception {
        // A wrapper script as JAVA_HOME/bin/java, as some installations have: no release file beside it, so the
        // launcher must fall back to asking the JVM which version it is, and still find a cache per JDK.
        Path home = Files.createDirectories(temp.resolve("wrapped-jdk/bin"));
        Path java = home.resolve("java");
        Files.writeString(java, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Path secret = Files.write(temp.resolve("study.secret"), Fixtures.SECRET);
        Path cache = temp.resolve("cache");
        Map<String, String> env = Map.of("DICOMSTAGE_CLI_CACHE", cache.toString(), "DICOMSTAGE_JAR",
                jar().toString(), "JAVA_HOME", home.getParent().toString());

        Result first = run(env, secret, temp.resolve("out1"));
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("first run with this jar and JDK").contains("pseudonymized 8 of 8 files");
        String expected = Runtime.version().feature() >= 25 ? "cli.aot" : "cli.jsa";
        try (Stream<Path> cached = Files.walk(cache)) {
            assertThat(cached.map(p -> p.getFileName().toString()))
                    .as("the cache kind of this JDK's version (%s)", Runtime.version()).contains(expected);
        }
        Result second = run(env, secret, temp.resolve("out2"));
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).doesNotContain("first run").contains("pseudonymized 8 of 8 files");
    }

    @Test
    void aMissingJarIsNamedWithHowToBuildIt() throws Exception {
        Result r = run(Map.of("DICOMSTAGE_JAR", temp.resolve("nowhere.jar").toString(), "DICOMSTAGE_CLI_CACHE",
                temp.resolve("cache").toString()), temp.resolve("secret"), temp.resolve("out"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("no application jar").contains("mvn -q -DskipTests package");
        assertThat(temp.resolve("out")).doesNotExist();
    }

    private record Result(int exit, String output) {
    }

    private Result run(Map<String, String> env, Path secret, Path out) throws Exception {
        Path in = temp.resolve("in");
        if (!Files.exists(in)) {
            // The RT set's DICOM files only: its PROVENANCE.txt is not one.
            for (Path file : files(SharedData.rtSet())) {
                if (file.toString().endsWith(".dcm")) {
                    Files.copy(file, Files.createDirectories(in).resolve(file.getFileName()));
                }
            }
        }
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "--profile", "rt-research", "--secret-file",
                secret.toString(), "--subject-id", "HN-001", "--sponsor", "Sponsor AG", "--protocol-id", "RT-HN-2026",
                "--in", in.toString(), "--out", out.toString()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Path log = temp.resolve("log-" + System.nanoTime());
        Process p = builder.redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        return new Result(exit, Files.readString(log));
    }

    private static Path jar() throws IOException {
        try (Stream<Path> jars = Files.list(Path.of("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("dicom-stage-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().contains("sources")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jar in target/: the package phase builds it"))
                    .toAbsolutePath();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
