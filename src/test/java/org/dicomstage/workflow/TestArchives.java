package org.dicomstage.workflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.dicomstage.dicom.EmbeddedArchive;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.testing.CtSeriesGenerator;
import org.dicomstage.testing.DemoRtPatientGenerator;
import org.dicomstage.testing.SharedData;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Two real DIMSE archives on loopback for process tests with the real workers: Study0 with test data and an
 * empty project archive; and the holding node, an embedded archive (in-process, since DIMSE cannot delete). The application reaches them as DIMSE nodes (not in-process), so stopping the Study0
 * archive is what an unreachable PACS looks like. Each listens on a fixed port so it can be stopped and started
 * again at the same address.
 *
 * <p>Study0 holds: the shared RT fixture (HNC-0522c0009 = HN-RT-01); a generated RT patient with two plans for
 * PID-0001 (HN-001); a generated 3-slice CT for PID-0002 (HN-002); two generated CT studies for PID-0003 (HN-003),
 * whose files a test may corrupt; a generated CT for PID-0004 (HN-004).
 */
public final class TestArchives implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String STUDY0_BEAN = "study0Archive";
    public static final String PROJECT_BEAN = "projectArchive";
    public static final String CORRUPTIBLE_A = "corruptibleSeriesA";
    public static final String CORRUPTIBLE_B = "corruptibleSeriesB";
    public static final String DEMO_RT_PATIENT = "demoRtPatient";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Path root = createTempDirectory();
        EmbeddedArchive study0 = new EmbeddedArchive("STUDY0", root.resolve("study0"), ZptEngines.freePort(), 4);
        EmbeddedArchive project = new EmbeddedArchive("PROJECT", root.resolve("project"), ZptEngines.freePort(), 4);
        DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
        try {
            study0.start();
            project.start();
            Path data = root.resolve("generated");
            study0.importDirectory(SharedData.rtSet());
            DemoRtPatientGenerator.DemoRtPatient rt = DemoRtPatientGenerator.write(data.resolve("pid1"),
                    DemoStudyData.pid(1), "Kowalski^Anna");
            study0.importDirectory(data.resolve("pid1"));
            study0.importDirectory(CtSeriesGenerator.write(data.resolve("pid2"), 3, "Lindqvist^Per", DemoStudyData.pid(2))
                    .files().getFirst().getParent());
            CtSeriesGenerator.Series a = CtSeriesGenerator.write(data.resolve("pid3a"), 3, "Okafor^Ngozi",
                    DemoStudyData.pid(3));
            CtSeriesGenerator.Series b = CtSeriesGenerator.write(data.resolve("pid3b"), 2, "Okafor^Ngozi",
                    DemoStudyData.pid(3));
            study0.importDirectory(data.resolve("pid3a"));
            study0.importDirectory(data.resolve("pid3b"));
            study0.importDirectory(CtSeriesGenerator.write(data.resolve("pid4"), 2, "Tanaka^Yuki", DemoStudyData.pid(4))
                    .files().getFirst().getParent());
            beans.registerSingleton(DEMO_RT_PATIENT, rt);
            beans.registerSingleton(CORRUPTIBLE_A, a);
            beans.registerSingleton(CORRUPTIBLE_B, b);
        } catch (IOException | com.pixelmed.dicom.DicomException | RuntimeException e) {
            study0.close();
            project.close();
            throw new IllegalStateException("cannot set up the test archives in " + root + ": " + e.getMessage(), e);
        }
        beans.registerSingleton(STUDY0_BEAN, study0);
        beans.registerDisposableBean(STUDY0_BEAN, () -> {
            study0.close();
            project.close();
            deleteTree(root);
        });
        beans.registerSingleton(PROJECT_BEAN, project);

        Map<String, Object> p = new LinkedHashMap<>();
        node(p, DemoStudyData.STUDY0_NODE, study0);
        node(p, DemoStudyData.PROJECT_NODE, project);
        // The holding node must delete, which DIMSE cannot: an embedded archive the registry starts (in-process).
        p.put("dicomstage.nodes." + DemoStudyData.HOLDING_NODE + ".kind", "EMBEDDED");
        p.put("dicomstage.nodes." + DemoStudyData.HOLDING_NODE + ".ae-title", "HOLDING");
        p.put("dicomstage.nodes." + DemoStudyData.HOLDING_NODE + ".port", 0);
        p.put("dicomstage.nodes." + DemoStudyData.HOLDING_NODE + ".storage-directory",
                root.resolve("holding").toString());
        // No backoff: the archive-down tests run through all retries at once. A job failed with a backoff waits in the
        // engine's backoff state; in CI one such job was never handed out again (retries left, no incident, the test
        // waited 90 s), as in camunda/camunda#16884. A job failed without backoff is activatable at once.
        p.put("dicomstage.workflow.retry-backoff", "0ms");
        p.put("dicomstage.workflow.max-retry-backoff", "0ms");
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-archives", p));
    }

    /** The properties of a DIMSE node {@code name} that talks to {@code archive} on loopback. */
    static void node(Map<String, Object> p, String name, EmbeddedArchive archive) {
        String prefix = "dicomstage.nodes." + name + ".";
        p.put(prefix + "kind", "DIMSE");
        p.put(prefix + "ae-title", archive.aeTitle());
        p.put(prefix + "host", "127.0.0.1");
        p.put(prefix + "port", archive.port());
        p.put(prefix + "connect-timeout", "2s");
        p.put(prefix + "read-timeout", "20s");
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("dicomstage-process-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory: left for the OS to clean
        }
    }
}
