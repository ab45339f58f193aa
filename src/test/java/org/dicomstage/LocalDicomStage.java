package org.dicomstage;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dicomstage.workflow.ZptEngines;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * DICOM Stage on embedded defaults, for a laptop: the in-memory Zeebe engine on a fixed gRPC port, then the
 * real application pointed at it, plus {@link LocalConfig}. Lives in src/test because the engine is test
 * scope (not licensed for production); {@code mvn spring-boot:test-run} (scripts/run) starts it.
 *
 * <p>Options (program arguments, system properties or environment): {@code --dicomstage.zpt.port=26500}
 * ({@code DICOMSTAGE_ZPT_PORT}), and every Spring Boot property, e.g. {@code --server.port=8080} or
 * {@code --dicomstage.nodes.study0.port=11112}. The two embedded archives keep their files under
 * {@value #ARCHIVES} (wiped and seeded again at every start, so a run always begins from the same demo data).
 */
public final class LocalDicomStage {

    public static final int DEFAULT_ZPT_PORT = 26500;
    static final String ARCHIVES = "target/local-archives";
    static final int STUDY0_PORT = 11112;
    static final int PROJECT_PORT = 11114;
    static final String ZPT_PORT_PROPERTY = "dicomstage.zpt.port";

    private static volatile ZeebeTestEngine engine;

    private LocalDicomStage() {
    }

    public static void main(String[] args) {
        LocalArchives.wipe(Path.of(ARCHIVES));
        archiveDefaults();
        int zptPort = zptPort(args);
        ZeebeTestEngine started;
        try {
            started = ZptEngines.start(zptPort);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not start the in-memory engine on port " + zptPort
                    + " (in use? set --" + ZPT_PORT_PROPERTY + "=...)", e);
        }
        engine = started;
        Runnable stopEngine = stopOnce(started);
        try {
            ConfigurableApplicationContext context = SpringApplication.from(DicomStageApplication::main)
                    .with(LocalConfig.class).run(withClientProperties(args, started)).getApplicationContext();
            // Closing the application (Ctrl-C runs Spring's shutdown hook) ends the engine's non-daemon threads.
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent) {
                    stopEngine.run();
                    exitSoon(0);
                }
            });
        } catch (RuntimeException | Error e) {
            // Otherwise the engine's threads keep a JVM alive whose application never started.
            stopEngine.run();
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * The web server listens on loopback only: the demo accounts' passwords are their names. (The engine's gateway
     * is on loopback too, see {@link ZptEngines}; the embedded archives always are.) {@code --server.address=0.0.0.0}
     * opens the web server to the network, and the demo accounts still sign in from loopback only.
     */
    public static Map<String, Object> bindDefaults() {
        return Map.of("server.address", InetAddress.getLoopbackAddress().getHostAddress());
    }

    /**
     * Two embedded archives on fixed loopback ports, the holding node, the workers' poll interval and {@link #bindDefaults()}. System properties rank below program arguments, so
     * {@code --dicomstage.nodes.study0.port=...} still wins (a repeated argument would be joined, not replaced).
     */
    private static void archiveDefaults() {
        Path archives = Path.of(ARCHIVES).toAbsolutePath();
        Map<String, Object> defaults = new LinkedHashMap<>(bindDefaults());
        defaults.put("dicomstage.nodes.study0.kind", "EMBEDDED");
        defaults.put("dicomstage.nodes.study0.ae-title", "STUDY0");
        defaults.put("dicomstage.nodes.study0.port", STUDY0_PORT);
        defaults.put("dicomstage.nodes.study0.storage-directory", archives.resolve("study0"));
        defaults.put("dicomstage.nodes.project.kind", "EMBEDDED");
        defaults.put("dicomstage.nodes.project.ae-title", "PROJECT");
        defaults.put("dicomstage.nodes.project.port", PROJECT_PORT);
        defaults.put("dicomstage.nodes.project.storage-directory", archives.resolve("project"));
        // Where staged copies wait for review; on a free port, since nobody outside needs to reach it.
        defaults.put("dicomstage.nodes.holding.kind", "EMBEDDED");
        defaults.put("dicomstage.nodes.holding.ae-title", "HOLDING");
        defaults.put("dicomstage.nodes.holding.port", 0);
        defaults.put("dicomstage.nodes.holding.storage-directory", archives.resolve("holding"));
        // The record-stream user-task adapter waits for an idle engine; workers polling every 100 ms (the default)
        // can keep it from ever looking idle. 200 ms is what the real-worker process tests run with.
        defaults.put("camunda.client.worker.defaults.poll-interval", "200ms");
        defaults.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value.toString());
            }
        });
    }

    /** The engine {@link #main} started; {@link LocalConfig} hands it to the context. */
    static ZeebeTestEngine engine() {
        ZeebeTestEngine current = engine;
        if (current == null) {
            throw new IllegalStateException("LocalConfig needs the engine LocalDicomStage.main starts; run that");
        }
        return current;
    }

    /** Milliseconds since the JVM started, for the ready message. */
    static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private static String[] withClientProperties(String[] args, ZeebeTestEngine engine) {
        List<String> all = new ArrayList<>();
        ZptEngines.clientProperties(engine).forEach((name, value) -> all.add("--" + name + "=" + value));
        all.addAll(Arrays.asList(args)); // the user's arguments come last and win
        return all.toArray(String[]::new);
    }

    private static int zptPort(String[] args) {
        String prefix = "--" + ZPT_PORT_PROPERTY + "=";
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return Integer.parseInt(arg.substring(prefix.length()));
            }
        }
        String value = System.getProperty(ZPT_PORT_PROPERTY, System.getenv("DICOMSTAGE_ZPT_PORT"));
        return value == null || value.isBlank() ? DEFAULT_ZPT_PORT : Integer.parseInt(value.trim());
    }

    /**
     * ZPT 8.8's EngineStateMonitor keeps a static non-daemon {@code java.util.Timer} that {@code stop()} does not
     * cancel, so a JVM whose context was closed without a shutdown (actuator, IDE) would linger. Exit from a
     * daemon thread: inside a shutdown hook {@code System.exit} would block, so there it just waits harmlessly.
     */
    private static void exitSoon(int status) {
        Thread exit = new Thread(() -> System.exit(status), "local-dicomstage-exit");
        exit.setDaemon(true);
        exit.start();
    }

    private static Runnable stopOnce(ZeebeTestEngine engine) {
        AtomicBoolean stopped = new AtomicBoolean();
        return () -> {
            if (stopped.compareAndSet(false, true)) {
                engine.stop();
            }
        };
    }
}
