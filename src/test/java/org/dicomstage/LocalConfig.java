package org.dicomstage;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import org.dicomstage.workflow.ZptEngines;
import org.dicomstage.workflow.ZptHarnessConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

/**
 * What the local run adds to the real application. Extension points, one {@code @Bean} (or an
 * {@code @Import}ed configuration) each: the embedded Study0 archive with demo data and the empty project
 * archive (as {@code DicomNode}s on loopback ports), the demo accounts, the H2 demo data. Production gets the
 * same beans from configuration; nothing here may be needed by a production path.
 *
 * <p>A {@code @TestConfiguration} so that {@code @SpringBootTest}s of the whole application, which scan the
 * test classes too, leave it out; {@link LocalDicomStage} adds it explicitly.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(ZptHarnessConfiguration.class) // the engine has no REST API: user tasks via the record stream
public class LocalConfig {

    private static final Logger log = LoggerFactory.getLogger(LocalConfig.class);

    /** LocalDicomStage stops the engine itself (also when the context fails), so no destroy method here. */
    @Bean(destroyMethod = "")
    ZeebeTestEngine zeebeTestEngine() {
        return LocalDicomStage.engine();
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        String url = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? "http://localhost:" + web.getWebServer().getPort()
                : "(no web server)";
        ZeebeTestEngine engine = event.getApplicationContext().getBean(ZeebeTestEngine.class);
        // Printed, not only logged: scripts and people wait for this exact line.
        System.out.println("DICOM Stage is ready: " + url);
        log.info("Started in {} ms after JVM start; in-memory engine gRPC on port {}", LocalDicomStage.uptimeMillis(),
                ZptEngines.port(engine));
    }
}
