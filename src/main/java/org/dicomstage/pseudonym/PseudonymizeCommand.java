package org.dicomstage.pseudonym;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code pseudonymize}: copies a folder of DICOM files into a mirrored folder of pseudonymized Part-10 files,
 * in parallel, or prints what it would change ({@code --dry-run}). No Spring: runs straight from {@code main}.
 * Exit status 0 when every file was written, 1 when any file failed (each is named), 2 on a usage error.
 */
public final class PseudonymizeCommand {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: pseudonymize --profile NAME|PATH.yaml (--secret-file FILE | --secret-env VAR) --subject-id ID
                                --sponsor TEXT --protocol-id TEXT [--protocol-name TEXT]
                                [--site-id TEXT] [--site-name TEXT]
                                --in DIR --out DIR [--threads N] [--dry-run]
              --profile      built-in profile (basic, rt-research) or a profile YAML file
              --sponsor, --protocol-id
                             ClinicalTrialSponsorName and ClinicalTrialProtocolID, Type 1 in every output:
                             required unless the profile's clinicalTrial gives them (options win)
              --secret-file  file holding the study secret (trailing line breaks ignored; at least 16 bytes)
              --secret-env   environment variable holding the study secret
              --threads      parallel workers (default: all cores)
              --dry-run      print, per file, what would change attribute by attribute; write nothing
            """;

    private static final Set<String> VALUED = Set.of("--profile", "--secret-file", "--secret-env", "--subject-id",
            "--sponsor", "--protocol-id", "--protocol-name", "--site-id", "--site-name", "--in", "--out",
            "--threads");

    private PseudonymizeCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--dry-run")) {
                dryRun = true;
            } else if (arg.equals("--help") || arg.equals("-h")) {
                out.print(USAGE_TEXT);
                return OK;
            } else if (VALUED.contains(arg) && i + 1 < args.length) {
                if (options.put(arg, args[++i]) != null) {
                    return usage(err, arg + " given twice");
                }
            } else {
                return usage(err, VALUED.contains(arg) ? arg + " needs a value" : "unknown argument " + arg);
            }
        }
        for (String required : List.of("--profile", "--subject-id", "--in", "--out")) {
            if (!options.containsKey(required)) {
                return usage(err, required + " is required");
            }
        }
        if (options.containsKey("--secret-file") == options.containsKey("--secret-env")) {
            return usage(err, "give exactly one of --secret-file and --secret-env");
        }
        Path in = Path.of(options.get("--in")).toAbsolutePath().normalize();
        Path outDir = Path.of(options.get("--out")).toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            return usage(err, "--in " + in + " is not a directory");
        }
        if (outDir.startsWith(in) || in.startsWith(outDir)) {
            return usage(err, "--out must lie outside --in (and not contain it)");
        }
        int threads = Runtime.getRuntime().availableProcessors();
        if (options.containsKey("--threads")) {
            try {
                threads = Integer.parseInt(options.get("--threads"));
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1) {
                return usage(err, "--threads must be a positive whole number");
            }
        }
        Pseudonymizer pseudonymizer;
        try {
            PseudonymizationProfile profile = profile(options.get("--profile"));
            byte[] secret = secret(options);
            ClinicalTrial trial = new ClinicalTrial(options.get("--sponsor"), options.get("--protocol-id"),
                    options.get("--protocol-name"), options.get("--site-id"), options.get("--site-name"))
                    .orElse(profile.clinicalTrial());
            if (!trial.missingType1().isEmpty()) {
                Arrays.fill(secret, (byte) 0);
                return usage(err, "--sponsor and --protocol-id are required (or the profile's clinicalTrial"
                        + " sponsorName and protocolID): every output must carry " + String.join(" and ",
                        trial.missingType1()) + " (Type 1)");
            }
            pseudonymizer = new Pseudonymizer(profile, new PseudonymContext(secret, options.get("--subject-id"), trial));
            Arrays.fill(secret, (byte) 0);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return usage(err, e.getMessage());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(in)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            err.println("pseudonymize: cannot list " + in + ": " + e.getMessage());
            return FAILED;
        }
        return dryRun ? dryRun(pseudonymizer, in, files, out, err) : copy(pseudonymizer, in, outDir, files, threads,
                out, err);
    }

    private static int copy(Pseudonymizer pseudonymizer, Path in, Path outDir, List<Path> files, int threads,
            PrintStream out, PrintStream err) {
        long start = System.nanoTime();
        OutputFolder folder;
        try {
            folder = OutputFolder.open(outDir);
        } catch (IOException e) {
            err.println("pseudonymize: cannot write into " + outDir + ": " + e.getMessage());
            return FAILED;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> results = new ArrayList<>();
        for (Path file : files) {
            Path target = folder.target(in.relativize(file));
            results.add(pool.submit(() -> {
                if (folder.fresh()) {
                    pseudonymizer.pseudonymizeToNewFile(file, target);
                } else {
                    pseudonymizer.pseudonymize(file, target);
                }
                return Files.size(file);
            }));
        }
        pool.shutdown();
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            try {
                bytes += results.get(i).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String reason = cause instanceof PseudonymizationException ? cause.getMessage() : cause.toString();
                // Named as the user will look for them: under --out, not the partial folder of the run.
                failures.add(files.get(i) + ": " + folder.asPublished(reason));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
                failures.add(files.get(i) + ": interrupted");
                break;
            }
        }
        try {
            folder.finish();
        } catch (IOException e) {
            err.println("pseudonymize: " + e.getMessage());
            return FAILED;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int written = files.size() - failures.size();
        out.printf(Locale.ROOT, "pseudonymized %d of %d files, %d bytes, %.2f seconds, %.1f files/s, %d failed, "
                + "profile %s, patient %s%n", written, files.size(), bytes, seconds,
                seconds > 0 ? written / seconds : 0.0, failures.size(), pseudonymizer.profile().name(),
                pseudonymizer.patientPseudonym());
        printUnknown(pseudonymizer, out);
        for (String failure : failures) {
            err.println("FAILED " + failure);
        }
        return failures.isEmpty() ? OK : FAILED;
    }

    private static int dryRun(Pseudonymizer pseudonymizer, Path in, List<Path> files, PrintStream out,
            PrintStream err) {
        int failed = 0;
        out.println("# dry run: nothing is written. path\ttag\tkeyword\taction\treason\tbefore\tafter");
        for (Path file : files) {
            out.println("== " + in.relativize(file));
            try {
                out.print(pseudonymizer.dryRun(file).toText());
            } catch (PseudonymizationException e) {
                failed++;
                err.println("FAILED " + file + ": " + e.getMessage());
            } catch (StackOverflowError | OutOfMemoryError e) {
                failed++;
                err.println("FAILED " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        out.printf(Locale.ROOT, "dry run over %d files, %d failed%n", files.size(), failed);
        printUnknown(pseudonymizer, out);
        return failed == 0 ? OK : FAILED;
    }

    /** Attributes nothing says anything about are removed, and never without saying so. */
    private static void printUnknown(Pseudonymizer pseudonymizer, PrintStream out) {
        if (!pseudonymizer.unknownAttributesRemoved().isEmpty()) {
            out.println("removed attributes unknown to Table E.1-1 and the dictionary (keep one with the profile's"
                    + " keepUnknownAttributes): " + String.join(", ", pseudonymizer.unknownAttributesRemoved()));
        }
    }

    private static PseudonymizationProfile profile(String value) {
        Path path = Path.of(value);
        if (value.endsWith(".yaml") || value.endsWith(".yml") || Files.isRegularFile(path)) {
            return PseudonymizationProfile.load(path);
        }
        return PseudonymizationProfile.builtin(value);
    }

    private static byte[] secret(Map<String, String> options) {
        byte[] secret;
        if (options.containsKey("--secret-file")) {
            Path file = Path.of(options.get("--secret-file"));
            try {
                secret = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --secret-file " + file + ": " + e.getMessage(), e);
            }
            int end = secret.length;
            while (end > 0 && (secret[end - 1] == '\n' || secret[end - 1] == '\r')) {
                end--;
            }
            secret = Arrays.copyOf(secret, end);
        } else {
            String value = System.getenv(options.get("--secret-env"));
            if (value == null) {
                throw new IllegalArgumentException("environment variable " + options.get("--secret-env") + " is not set");
            }
            secret = value.getBytes(StandardCharsets.UTF_8);
        }
        if (secret.length < PseudonymContext.MINIMUM_SECRET_BYTES) {
            throw new IllegalArgumentException("the study secret must have at least "
                    + PseudonymContext.MINIMUM_SECRET_BYTES + " bytes");
        }
        return secret;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("pseudonymize: " + problem);
        err.print(USAGE_TEXT);
        return USAGE;
    }
}
