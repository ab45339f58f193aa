package org.dicomstage.staging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.DicomNodeConfig;
import org.dicomstage.dicom.DimseNode;
import org.dicomstage.pseudonym.ClinicalTrial;
import org.dicomstage.pseudonym.PseudonymContext;
import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.study.StudySecrets;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.StandardEnvironment;

/**
 * Stages exactly one series in a JVM of its own, as one run of a worker would: a fresh {@link StagingService},
 * DIMSE nodes, and the study secret resolved from its reference ({@code env:NAME} or {@code file:/path}, as
 * {@link StudySecrets} does in production), so the secret itself is never on the command line.
 *
 * <pre>
 * StageOneSeries --source AET@HOST:PORT --target AET@HOST:PORT --study UID --series UID --profile NAME
 *                --secret env:NAME|file:/path --subject-id ID
 *                [--sponsor S --protocol-id P --protocol-name N --site-id I --site-name M]
 * </pre>
 *
 * Prints one line ({@code staged pid=... series=... target-series=... STAGED 5 of 5 instances}) and exits 0 when
 * the series was staged, 1 when staging failed, 2 on a usage or technical error.
 */
public final class StageOneSeries {

    static final String RESULT_PREFIX = "staged ";

    private static final Set<String> REQUIRED = Set.of("--source", "--target", "--study", "--series", "--profile",
            "--secret", "--subject-id");
    private static final Set<String> OPTIONAL = Set.of("--sponsor", "--protocol-id", "--protocol-name", "--site-id",
            "--site-name");

    private StageOneSeries() {
    }

    public static void main(String[] args) {
        quietLogging();
        try {
            System.exit(run(args));
        } catch (RuntimeException e) {
            System.out.println("error pid=" + ProcessHandle.current().pid() + ": " + e);
            System.exit(2);
        }
    }

    static int run(String[] args) {
        Map<String, String> options = options(args);
        byte[] secret = new StudySecrets(new StandardEnvironment()).resolve("staging run", options.get("--secret"));
        PseudonymContext context = new PseudonymContext(secret, options.get("--subject-id"),
                new ClinicalTrial(options.get("--sponsor"), options.get("--protocol-id"),
                        options.get("--protocol-name"), options.get("--site-id"), options.get("--site-name")));
        java.util.Arrays.fill(secret, (byte) 0);
        SeriesStagingSpec spec = new SeriesStagingSpec(node("study0", options.get("--source")),
                node("project", options.get("--target")), PseudonymizationProfile.builtin(options.get("--profile")),
                context, options.get("--study"), options.get("--series"));

        StageResult result = new StagingService(2).stage(spec);

        System.out.println(RESULT_PREFIX + "pid=" + ProcessHandle.current().pid() + " series="
                + result.seriesInstanceUID() + " target-series=" + result.targetSeriesInstanceUID() + " "
                + result.status() + " " + result.summary() + " in " + result.millis() + " ms");
        return result.status() == StageResult.Status.STAGED ? 0 : 1;
    }

    /** A DIMSE node retrieving by C-GET, calling as DICOMSTAGE; {@code address} is {@code AET@HOST:PORT}. */
    static DicomNode node(String name, String address) {
        int at = address.indexOf('@');
        int colon = address.lastIndexOf(':');
        if (at < 1 || colon < at) {
            throw new IllegalArgumentException("expected AET@HOST:PORT, got " + address);
        }
        return dimse(name, address.substring(0, at), address.substring(at + 1, colon),
                Integer.parseInt(address.substring(colon + 1)));
    }

    static DicomNode dimse(String name, String aeTitle, String host, int port) {
        return new DimseNode(new DicomNodeConfig(name, DicomNodeConfig.Kind.DIMSE, aeTitle, host, port,
                "DICOMSTAGE", DicomNodeConfig.RetrieveMethod.C_GET, null, null, null, Duration.ofSeconds(5),
                Duration.ofSeconds(60), 4), null);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!REQUIRED.contains(args[i]) && !OPTIONAL.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        List<String> missing = REQUIRED.stream().filter(o -> !options.containsKey(o)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing " + String.join(", ", missing));
        }
        return options;
    }

    /** Without Spring Boot, logback would log everything at DEBUG; a run prints its one line and warnings only. */
    private static void quietLogging() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
