package org.dicomstage.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.camunda.client.CamundaClient;
import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.workflow.ConcurrentRequests;
import org.dicomstage.workflow.ZptEngineInitializer;
import org.dicomstage.workflow.ZptHarnessConfiguration;
import org.dicomstage.workflow.ZptUserTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Twenty staging requests at once on the embedded defaults (one JVM: in-memory engine, H2, both archives
 * EMBEDDED, the job workers), each driven through its user tasks like a researcher: start, study, subject, pick
 * the subject's series, confirm, until the review task shows the verified copy. Prints p50 and p95 of the request
 * completion times and the failures, which must be none.
 *
 * <p>Runs with {@code scripts/benchmark} (Maven profile {@code benchmark}). {@code -Dbenchmark.requests=N} (at
 * most 25, the enrolled demo subjects), {@code -Dbenchmark.series-instances=N} (CT slices per request, default 10).
 */
class ConcurrentRequestsBenchmark {

    private static final int REQUESTS = Integer.getInteger("benchmark.requests", 20);
    private static final int INSTANCES = Integer.getInteger("benchmark.series-instances", 10);

    @TempDir
    Path temp;

    @Test
    void concurrentRequests() {
        try (ConfigurableApplicationContext app = embeddedDefaults(temp, Map.of())) {
            DicomNodeRegistry nodes = app.getBean(DicomNodeRegistry.class);
            ConcurrentRequests.seed(nodes.archive(DemoStudyData.STUDY0_NODE).orElseThrow(), temp.resolve("generated"),
                    REQUESTS, INSTANCES);
            ConcurrentRequests.Outcome outcome = ConcurrentRequests.run(app.getBean(CamundaClient.class),
                    new ZptUserTasks(app.getBean(ZeebeTestEngine.class), Duration.ZERO), REQUESTS,
                    Duration.ofMinutes(10));
            System.out.printf("%nConcurrent staging requests on the embedded defaults: %d requests of %d CT instances "
                    + "(%d cores)%n  %s%n", REQUESTS, INSTANCES, Runtime.getRuntime().availableProcessors(),
                    outcome.summary());
            outcome.failures().forEach(f -> System.out.println("  FAILED " + f));
            assertThat(outcome.failures()).isEmpty();
            assertThat(outcome.completed()).hasSize(REQUESTS);
        }
    }

    /**
     * The application on the embedded defaults (in-memory engine, embedded archives under {@code root}, H2, demo
     * data), without the web server, with {@code properties} on top: what both request benchmarks measure.
     */
    static ConfigurableApplicationContext embeddedDefaults(Path root, Map<String, Object> properties) {
        Map<String, Object> p = new java.util.HashMap<>(properties);
        p.put("dicomstage.nodes.study0.storage-directory", root.resolve("study0").toString());
        p.put("dicomstage.nodes.project.storage-directory", root.resolve("project").toString());
        p.put("dicomstage.nodes.holding.storage-directory", root.resolve("holding").toString());
        return new SpringApplicationBuilder(DicomStageApplication.class, ZptHarnessConfiguration.class,
                DemoStudyData.class)
                .web(WebApplicationType.NONE)
                .initializers(new ZptEngineInitializer(), context -> context.getEnvironment().getPropertySources()
                        .addFirst(new MapPropertySource("benchmark", p)))
                .run();
    }

}
