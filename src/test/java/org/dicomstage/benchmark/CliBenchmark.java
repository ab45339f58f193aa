package org.dicomstage.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.dicomstage.testing.CtSeriesGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line pseudonymizer as an administrator runs it, cold (a fresh JVM per run), against the C++ tools
 * doing a similar job on the same files, and against {@code cp -r} + {@code sync}, round after round in turn: on
 * these noisy machines only figures measured side by side mean something. Prints each round, then min, median and
 * max of every tool's seconds and of its ratio to cp and to gdcmanon.
 *
 * <p>Peers: GDCM {@code gdcmanon} (PS3.15 E.1 de-identify, 2 processes, one per half of the files) and dcmtk
 * {@code dcmodify} (new UIDs and a few names in place on a fresh copy, 2 processes; far less work than a
 * de-identification, so a floor rather than a peer). Needs the application jar: {@code scripts/benchmark} builds
 * it and passes {@code -Dbenchmark.jar}. Instances: {@code -Dbenchmark.instances}, rounds: {@code -Dbenchmark.rounds}.
 */
class CliBenchmark {

    private static final int INSTANCES = Integer.getInteger("benchmark.instances", 1000);
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 3);

    @TempDir
    Path temp;

    @Test
    void coldCommandLineAgainstPeers() throws Exception {
        String jarProperty = System.getProperty("benchmark.jar");
        assertThat(jarProperty).as("-Dbenchmark.jar (scripts/benchmark sets it after building the jar)").isNotBlank();
        Path jar = Path.of(jarProperty).toAbsolutePath();
        assertThat(jar).as("the application jar").isRegularFile();
        Path launcher = Path.of("bin", "dicom-stage-pseudonymize").toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        Path source = temp.resolve("source");
        CtSeriesGenerator.write(source, INSTANCES, "BENCH^PATIENT", "PID-BENCH");
        List<Path> files = listFiles(source);
        Path halves = temp.resolve("halves");
        for (int i = 0; i < files.size(); i++) {
            Path half = Files.createDirectories(halves.resolve(i % 2 == 0 ? "a" : "b"));
            Files.createLink(half.resolve(files.get(i).getFileName()), files.get(i));
        }
        Path secret = Files.write(temp.resolve("secret"), "benchmark secret, not a real one".getBytes(
                StandardCharsets.UTF_8));
        Path cache = temp.resolve("cli-cache");
        Path out = temp.resolve("out");
        List<String> cliArgs = List.of("--profile", "rt-research", "--secret-file", secret.toString(),
                "--subject-id", "BENCH-001", "--sponsor", "Sponsor", "--protocol-id", "BENCH", "--in",
                source.toString(), "--out", out.toString(), "--threads", "2");
        Map<String, String> launcherEnv = Map.of("DICOMSTAGE_JAR", jar.toString(), "DICOMSTAGE_CLI_CACHE",
                cache.toString(), "JAVA_HOME", System.getProperty("java.home"));

        Map<String, Step> tools = new LinkedHashMap<>();
        tools.put("cp -r + sync (baseline)", () -> run(Map.of(), "cp", "-r", source.toString(), out.toString()));
        tools.put("java -jar ... pseudonymize (fresh JVM)", () -> run(Map.of(),
                concat(List.of(java.toString(), "-jar", jar.toString(), "pseudonymize"), cliArgs)));
        tools.put("bin/dicom-stage-pseudonymize (fresh JVM)", () -> run(launcherEnv,
                concat(List.of(launcher.toString()), cliArgs)));
        if (installed("gdcmanon")) {
            Path certificate = temp.resolve("cert.pem");
            run(Map.of(), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    temp.resolve("key.pem").toString(), "-out", certificate.toString(), "-days", "2", "-subj",
                    "/CN=benchmark");
            tools.put("gdcmanon -e, 2 processes (C++)", () -> {
                // Both processes would otherwise race to create the common parent, and one loses.
                Files.createDirectories(out);
                inTwo(half -> List.of("gdcmanon", "-e", "-c", certificate.toString(), "-r", "--continue", "-i",
                        halves.resolve(half).toString(), "-o", out.resolve(half).toString()));
            });
        } else {
            System.out.println("gdcmanon is not installed (Debian: libgdcm-tools); its rows are left out");
        }
        tools.put("cp + dcmodify UIDs/names, 2 processes (C++)", () -> {
            run(Map.of(), "cp", "-r", halves.toString(), out.toString());
            Map<String, List<String>> byHalf = new LinkedHashMap<>();
            for (String half : List.of("a", "b")) {
                List<String> command = new ArrayList<>(List.of("dcmodify", "-nb", "-q", "-gst", "-gse", "-gin",
                        "-ma", "(0010,0010)=BENCH-001", "-ma", "(0010,0020)=BENCH-001", "-ea", "(0010,0030)"));
                listFiles(out.resolve(half)).forEach(f -> command.add(f.toString()));
                byHalf.put(half, command);
            }
            inTwo(byHalf::get);
        });

        // Unmeasured: the launcher's first run extracts the jar and records its class cache, as once per jar.
        run(launcherEnv, concat(List.of(launcher.toString()), cliArgs));
        StagingBenchmark.deleteTree(out);

        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        tools.keySet().forEach(name -> seconds.put(name, new ArrayList<>()));
        List<String> names = new ArrayList<>(tools.keySet());
        for (int round = 0; round < ROUNDS; round++) {
            StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
            // A different tool goes first each round, so none always meets a cold page cache or a busy disk.
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round) % names.size());
                run(Map.of(), "sync");
                long start = System.nanoTime();
                tools.get(name).run();
                run(Map.of(), "sync");
                double s = (System.nanoTime() - start) / 1e9;
                assertThat(listFiles(out)).as(name + " wrote every file").hasSize(INSTANCES);
                StagingBenchmark.deleteTree(out);
                seconds.get(name).add(s);
                line.append(String.format(Locale.ROOT, " %s %.2f s;", name.replaceAll(" \\(.*", ""), s));
            }
            System.out.println(line + String.format(Locale.ROOT, " load %.1f", load()));
        }
        print(seconds);
    }

    private static void print(Map<String, List<Double>> seconds) {
        List<Double> cp = seconds.values().iterator().next();
        List<Double> gdcm = seconds.get("gdcmanon -e, 2 processes (C++)");
        System.out.println();
        System.out.printf(Locale.ROOT, "%-46s %-20s %-20s %-20s%n", INSTANCES + " CT instances, " + ROUNDS
                + " rounds", "seconds min/med/max", "x cp (speed)", "x gdcmanon (speed)");
        seconds.forEach((name, s) -> System.out.printf(Locale.ROOT, "%-46s %-20s %-20s %-20s%n", name, stats(s),
                stats(ratios(cp, s)), gdcm == null ? "-" : stats(ratios(gdcm, s))));
        List<Double> launcher = seconds.get("bin/dicom-stage-pseudonymize (fresh JVM)");
        if (gdcm != null) {
            double median = median(ratios(gdcm, launcher));
            System.out.printf(Locale.ROOT, "target: cold CLI at least as fast as gdcmanon -> median %.2f x: %s%n",
                    median, median >= 1 ? "met" : "NOT met");
        }
    }

    /** Per round, how many times faster the tool is than the reference (reference seconds / tool seconds). */
    private static List<Double> ratios(List<Double> reference, List<Double> tool) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < tool.size(); i++) {
            r.add(reference.get(i) / tool.get(i));
        }
        return r;
    }

    private static String stats(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", sorted.getFirst(), median(values), sorted.getLast());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void inTwo(java.util.function.Function<String, List<String>> command) throws Exception {
        Path logA = Files.createTempFile("benchmark-a", ".log");
        Path logB = Files.createTempFile("benchmark-b", ".log");
        Process a = new ProcessBuilder(command.apply("a")).redirectErrorStream(true).redirectOutput(logA.toFile())
                .start();
        Process b = new ProcessBuilder(command.apply("b")).redirectErrorStream(true).redirectOutput(logB.toFile())
                .start();
        int exitA = a.waitFor();
        int exitB = b.waitFor();
        String outputA = Files.readString(logA);
        String outputB = Files.readString(logB);
        Files.delete(logA);
        Files.delete(logB);
        assertThat(exitA).as(String.join(" ", command.apply("a")) + "\n" + outputA).isZero();
        assertThat(exitB).as(String.join(" ", command.apply("b")) + "\n" + outputB).isZero();
    }

    private static void run(Map<String, String> env, List<String> command) throws Exception {
        run(env, command.toArray(String[]::new));
    }

    private static void run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile("benchmark", ".log");
        Process p = builder.redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        String output = Files.readString(log);
        Files.delete(log);
        assertThat(exit).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static boolean installed(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static double load() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
