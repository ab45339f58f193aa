package org.dicomstage.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeConfig;
import org.dicomstage.dicom.DimseNode;
import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.pseudonym.PseudonymizeCommand;
import org.dicomstage.staging.SeriesStagingSpec;
import org.dicomstage.staging.StageResult;
import org.dicomstage.staging.StagingService;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.OrthancServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark, on one generated data set in one run, each figure also as a ratio to a plain {@code cp}
 * of the same files (these machines are noisy; only ratios measured together mean something).
 *
 * <p>Runs only with {@code scripts/benchmark} (Maven profile {@code benchmark}, heap capped at 512 MB so a
 * 1,000-instance series must stage in bounded memory). Instance count: {@code -Dbenchmark.instances=N}.
 */
class StagingBenchmark {

    private static final int INSTANCES = Integer.getInteger("benchmark.instances", 1000);
    private static final byte[] SECRET = "benchmark secret, not a real one".getBytes(StandardCharsets.UTF_8);
    private static final PseudonymContext CONTEXT = new PseudonymContext(SECRET, "BENCH-001",
            new ClinicalTrial("Sponsor", "BENCH", "Benchmark", "SITE-A", "Site A"));

    @TempDir
    Path temp;

    private final List<String> rows = new ArrayList<>();

    @Test
    void benchmark() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Path source = temp.resolve("source");
        long generating = System.nanoTime();
        CtSeriesGenerator.Series series = CtSeriesGenerator.write(source, INSTANCES, "BENCH^PATIENT", "PID-BENCH");
        long bytes = sizeOf(source);
        System.out.printf(Locale.ROOT, "generated %d CT instances, %.0f MB, in %.1f s; %d cores; max heap %d MB%n",
                INSTANCES, bytes / 1e6, seconds(generating), cores, Runtime.getRuntime().maxMemory() >> 20);

        // Both file copies end with sync: otherwise cp measures a copy into the page cache (GB/s), not a copy.
        run("sync");
        double cp = measure("cp -r + sync (baseline)", () -> {
            run("cp", "-r", source.toString(), temp.resolve("cp").toString());
            run("sync");
        });

        Path secretFile = Files.write(temp.resolve("secret"), SECRET);
        double cli = measure("pseudonymizer CLI, " + cores + " threads, + sync", () -> cli(secretFile, source, cores));
        deleteTree(temp.resolve("cli"));
        // The same again: now compiled, as in a long batch or in the service, which pseudonymizes the same way.
        double cliCompiled = measure("  the same again, second run in this JVM", () -> cli(secretFile, source,
                cores));
        deleteTree(temp.resolve("cli"));
        // What a user sees who starts the command: a fresh JVM, its start-up and compilation included.
        measure("pseudonymizer CLI in a fresh JVM, start-up included", () -> {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.dicomstage.DicomStageApplication",
                    "pseudonymize", "--profile", "rt-research", "--secret-file", secretFile.toString(),
                    "--subject-id", "BENCH-001", "--sponsor", "Sponsor", "--protocol-id", "BENCH", "--in",
                    source.toString(), "--out", temp.resolve("cli-jvm").toString(),
                    "--threads", Integer.toString(cores)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor()).as("exit code of the CLI in a fresh JVM").isZero();
            run("sync");
        });
        deleteTree(temp.resolve("cli-jvm"));
        deleteTree(temp.resolve("cp"));

        double embedded;
        double embeddedSecond;
        try (EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", temp.resolve("study0"), 0, 8);
                EmbeddedArchive project = new EmbeddedArchive("PROJECT", temp.resolve("project"), 0, 8)) {
            study0.start();
            project.start();
            study0.importDirectory(source);
            warmUp(study0);
            resetPeakHeap();
            Cpu beforeFirst = Cpu.now();
            embedded = measure("staging over DIMSE, embedded -> embedded", () -> stage(
                    dimse("study0", study0.aeTitle(), study0.port()), dimse("project", project.aeTitle(), project.port()),
                    series));
            Cpu first = Cpu.now().minus(beforeFirst);
            rows.add(String.format(Locale.ROOT, "  peak heap during embedded staging: %d MB (cap %d MB); CPU %.2f ms"
                    + " per instance (both archives and staging in this JVM)", peakHeap() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, first.ownMillis(INSTANCES)));
            // The service stages series after series in one JVM: the second thousand shows it compiled.
            try (EmbeddedArchive again = new EmbeddedArchive("PROJECT2", temp.resolve("project2"), 0, 8)) {
                again.start();
                Cpu beforeSecond = Cpu.now();
                embeddedSecond = measure("  the same again into an empty archive", () -> stage(
                        dimse("study0", study0.aeTitle(), study0.port()),
                        dimse("project2", again.aeTitle(), again.port()), series));
                rows.add(String.format(Locale.ROOT, "    CPU %.2f ms per instance",
                        Cpu.now().minus(beforeSecond).ownMillis(INSTANCES)));
            }
            deleteTree(temp.resolve("project2"));
            ceilings("embedded", dimse("study0", study0.aeTitle(), study0.port()),
                    dimse("project", project.aeTitle(), project.port()), series);
        }
        deleteTree(temp.resolve("study0"));
        deleteTree(temp.resolve("project"));

        double orthancStaging;
        double orthancAnonymize;
        double withVerification;
        double orthancAnonymizeAndSend;
        try (OrthancServer project = OrthancServer.builder().aet("PROJECT").start();
                OrthancServer study0 = OrthancServer.builder().aet("STUDY0")
                        .modality("PROJECT", project.aet(), "127.0.0.1", project.dicomPort()).start()) {
            study0.uploadAll(source);
            Cpu beforeStaging = Cpu.now();
            StageResult[] staged = new StageResult[1];
            orthancStaging = measure("staging over DIMSE, Orthanc -> Orthanc", () -> staged[0] = stage(
                    dimse("study0", study0.aet(), study0.dicomPort()), dimse("project", project.aet(), project.dicomPort()),
                    series));
            Cpu staging = Cpu.now().minus(beforeStaging);
            assertThat(project.instanceCount()).isEqualTo(INSTANCES);
            SeriesStagingSpec spec = spec(dimse("study0", study0.aet(), study0.dicomPort()),
                    dimse("project", project.aet(), project.dicomPort()), series);
            double verifyBoth = measure("  verification, Study0 and the copy read back", () -> assertThat(
                    new StagingService(4).verify(spec).verified()).isTrue());
            combined("  staging + verification (Study0 read back)", orthancStaging, verifyBoth);
            // As the service verifies: Study0's side recorded while staging, only the copy read back.
            Cpu beforeVerifying = Cpu.now();
            // As the service does by default: one association.
            double verifyCopy = measure("  verification, only the copy read back", () -> assertThat(
                    new StagingService(4).verify(spec, staged[0].sourceDigests()).verified()).isTrue());
            Cpu verifying = Cpu.now().minus(beforeVerifying);
            rows.add(String.format(Locale.ROOT, "    CPU per instance: %.2f ms in the two Orthancs + %.2f ms in this"
                    + " JVM", verifying.childMillis(INSTANCES), verifying.ownMillis(INSTANCES)));
            withVerification = combined("  staging + verification (copy only)", orthancStaging, verifyCopy);
            measure("  ceiling: C-GET alone from the copy", () -> dimse("project", project.aet(), project.dicomPort())
                    .retrieveSeries(staged[0].targetStudyInstanceUID(), staged[0].targetSeriesInstanceUID(), f -> { }));
            measure("  ceiling: C-FIND of the copy's instances", () -> dimse("project", project.aet(),
                    project.dicomPort()).findInstances(staged[0].targetStudyInstanceUID(),
                    staged[0].targetSeriesInstanceUID()));
            // One association (the default) and the series split over two (dicomstage.verification.associations=2),
            // in turn, twice.
            for (int round = 0; round < 2; round++) {
                measure("  verification, only the copy, one association", () -> assertThat(
                        new StagingService(4, 1).verify(spec, staged[0].sourceDigests()).verified()).isTrue());
                measure("  verification, only the copy, 2 associations", () -> assertThat(
                        new StagingService(4, 2).verify(spec, staged[0].sourceDigests()).verified()).isTrue());
            }
            ceilings("Orthanc", dimse("study0", study0.aet(), study0.dicomPort()),
                    dimse("project", project.aet(), project.dicomPort()), series);
            String studyId = study0.findStudyId(series.studyInstanceUid());
            Cpu beforeAnonymize = Cpu.now();
            orthancAnonymize = measure("Orthanc /studies/{id}/anonymize", () -> study0.anonymizeStudy(studyId));
            Cpu anonymize = Cpu.now().minus(beforeAnonymize);
            // Orthanc doing the whole job itself: anonymize, then send the copy to the project Orthanc.
            String[] copy = new String[1];
            int before = project.instanceCount();
            orthancAnonymizeAndSend = measure("Orthanc anonymize + /modalities/{id}/store", () -> {
                copy[0] = study0.anonymizeStudy(studyId);
                study0.storeToModality(copy[0], "PROJECT");
            });
            assertThat(project.instanceCount() - before).as("instances Orthanc sent").isEqualTo(INSTANCES);
            // Where the Orthanc -> Orthanc target stands on this machine: the CPU time both Orthancs spend to send
            // and to take in a staged instance, against what the cores allow per instance at 2 x anonymize's rate.
            rows.add(String.format(Locale.ROOT, "  CPU per instance: staging Orthanc -> Orthanc %.2f ms in the two"
                    + " Orthancs + %.2f ms in this JVM; anonymize %.2f ms in Orthanc", staging.childMillis(INSTANCES),
                    staging.ownMillis(INSTANCES), anonymize.childMillis(INSTANCES)));
            rows.add(String.format(Locale.ROOT, "  at 2 x anonymize (%.0f/s) %d cores give %.2f ms CPU per instance,"
                    + " of which the Orthancs alone took %.2f ms while staging", 2 * orthancAnonymize, cores,
                    cores * 1000 / (2 * orthancAnonymize), staging.childMillis(INSTANCES)));
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-45s %12s %10s%n", "what (" + INSTANCES + " CT instances)", "instances/s",
                "x cp");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.printf(Locale.ROOT, "target: pseudonymizer >= 0.5 x cp                -> first run %.2f x cp: %s;"
                + " second run %.2f x cp: %s%n", cli / cp, verdict(cli / cp >= 0.5), cliCompiled / cp,
                verdict(cliCompiled / cp >= 0.5));
        System.out.printf(Locale.ROOT, "target: DIMSE staging >= 2 x Orthanc anonymize   -> embedded %.2f x: %s;"
                + " embedded second run %.2f x: %s; Orthanc %.2f x: %s%n",
                embedded / orthancAnonymize, verdict(embedded / orthancAnonymize >= 2),
                embeddedSecond / orthancAnonymize, verdict(embeddedSecond / orthancAnonymize >= 2),
                orthancStaging / orthancAnonymize, verdict(orthancStaging / orthancAnonymize >= 2));
        System.out.printf(Locale.ROOT, "Orthanc -> Orthanc staging vs Orthanc anonymize-and-send (the same job done by"
                + " Orthanc): %.2f x%n", orthancStaging / orthancAnonymizeAndSend);
        System.out.printf(Locale.ROOT, "target: staging + verification >= 2.5 x Orthanc anonymize-and-send -> %.2f x:"
                + " %s (x Orthanc anonymize alone: %.2f)%n", withVerification / orthancAnonymizeAndSend,
                verdict(withVerification / orthancAnonymizeAndSend >= 2.5), withVerification / orthancAnonymize);
    }

    private void cli(Path secretFile, Path source, int cores) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = PseudonymizeCommand.run(new String[] {"--profile", "rt-research", "--secret-file",
                secretFile.toString(), "--subject-id", "BENCH-001", "--sponsor", "Sponsor", "--protocol-id", "BENCH",
                "--in", source.toString(), "--out",
                temp.resolve("cli").toString(), "--threads", Integer.toString(cores)},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        run("sync");
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    private double baseline = Double.NaN;

    /** Runs one measured step and records instances/s and the ratio to the first (baseline) step. */
    private double measure(String what, ThrowingRunnable step) throws Exception {
        long start = System.nanoTime();
        step.run();
        double rate = INSTANCES / seconds(start);
        if (Double.isNaN(baseline)) {
            baseline = rate;
        }
        String row = String.format(Locale.ROOT, "%-45s %12.1f %10.2f", what, rate, rate / baseline);
        rows.add(row);
        System.out.println(row);
        return rate;
    }

    /**
     * A staging service runs in a long-lived, warmed-up JVM: stage a separate series of 100 instances three times
     * first (unmeasured) so the figures are not those of the JIT compiler, which on two cores takes most of the
     * first thousand instances to settle.
     */
    private void warmUp(EmbeddedArchive study0) throws IOException {
        CtSeriesGenerator.Series warm = CtSeriesGenerator.write(temp.resolve("warm-up"), 100, "WARM^UP", "PID-WARM");
        study0.importDirectory(temp.resolve("warm-up"));
        try (EmbeddedArchive scratch = new EmbeddedArchive("SCRATCH", temp.resolve("scratch"), 0, 8)) {
            scratch.start();
            for (int round = 0; round < 3; round++) {
                StageResult result = new StagingService(4).stage(new SeriesStagingSpec(
                        dimse("study0", study0.aeTitle(), study0.port()),
                        dimse("scratch", scratch.aeTitle(), scratch.port()),
                        PseudonymizationProfile.builtin("rt-research"), CONTEXT, warm.studyInstanceUid(),
                        warm.seriesInstanceUid()));
                assertThat(result.status()).isEqualTo(StageResult.Status.STAGED);
            }
        }
        deleteTree(temp.resolve("scratch"));
        deleteTree(temp.resolve("warm-up"));
    }

    /**
     * Staging is a C-GET from one archive and C-STOREs into another: how fast each half runs alone, doing nothing
     * else, bounds what any staging between these archives can reach on this machine.
     */
    private void ceilings(String archives, DicomNode source, DicomNode target, CtSeriesGenerator.Series series)
            throws Exception {
        measure("  ceiling: C-GET alone from " + archives, () -> assertThat(source.retrieveSeries(
                series.studyInstanceUid(), series.seriesInstanceUid(), file -> { })).isEqualTo(INSTANCES));
        measure("  ceiling: C-STORE alone into " + archives + ", 4 associations", () -> storeAll(target,
                series.files()));
    }

    /** Stores the (unchanged) source files over four associations in parallel, as staging does. */
    private static void storeAll(DicomNode target, List<Path> files) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    try (DicomNode.StoreSession session = target.openStoreSession()) {
                        for (int i = first; i < files.size(); i += 4) {
                            session.store(files.get(i));
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static StageResult stage(DicomNode source, DicomNode target, CtSeriesGenerator.Series series) {
        StageResult result = new StagingService(4).stage(spec(source, target, series));
        assertThat(result.status()).as(result.summary()).isEqualTo(StageResult.Status.STAGED);
        assertThat(result.stagedInstances()).isEqualTo(INSTANCES);
        return result;
    }

    private static SeriesStagingSpec spec(DicomNode source, DicomNode target, CtSeriesGenerator.Series series) {
        return new SeriesStagingSpec(source, target, PseudonymizationProfile.builtin("rt-research"), CONTEXT,
                series.studyInstanceUid(), series.seriesInstanceUid());
    }

    /** A row for two steps run one after the other: their combined rate, and its ratio to the baseline. */
    private double combined(String what, double firstRate, double secondRate) {
        double rate = 1 / (1 / firstRate + 1 / secondRate);
        String row = String.format(Locale.ROOT, "%-45s %12.1f %10.2f", what, rate, rate / baseline);
        rows.add(row);
        System.out.println(row);
        return rate;
    }

    private static DicomNode dimse(String name, String aeTitle, int port) {
        return new DimseNode(new DicomNodeConfig(name, DicomNodeConfig.Kind.DIMSE, aeTitle, "127.0.0.1", port,
                "DICOMSTAGE", DicomNodeConfig.RetrieveMethod.C_GET, null, null, null, Duration.ofSeconds(5),
                Duration.ofSeconds(120), 4), null);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /** CPU time so far of this JVM and of the processes it started (the Orthancs), in seconds. */
    private record Cpu(double own, double children) {

        static Cpu now() {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double children = ProcessHandle.current().descendants().mapToLong(p -> p.info().totalCpuDuration()
                    .map(Duration::toNanos).orElse(0L)).sum() / 1e9;
            return new Cpu(os.getProcessCpuTime() / 1e9, children);
        }

        Cpu minus(Cpu before) {
            return new Cpu(own - before.own, children - before.children);
        }

        double ownMillis(int instances) {
            return own * 1000 / instances;
        }

        double childMillis(int instances) {
            return children * 1000 / instances;
        }
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
