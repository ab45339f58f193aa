package org.dicomstage;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.dicomstage.dicom.DicomNodeRegistry;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.web.ZptProcessInstances;
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
 * What the local run adds to the real application: the in-memory engine's user-task port, the demo accounts,
 * studies and enrolments in H2 ({@link DemoStudyData}), and the demo data in the embedded Study0 archive
 * ({@link LocalArchives}). The archives themselves are ordinary {@code dicomstage.nodes.*} nodes (EMBEDDED, on
 * loopback ports set by {@link LocalDicomStage}); production configures real ones instead and needs nothing here.
 *
 * <p>A {@code @TestConfiguration} so that {@code @SpringBootTest}s of the whole application, which scan the
 * test classes too, leave it out; {@link LocalDicomStage} adds it explicitly.
 */
@TestConfiguration(proxyBeanMethods = false)
// The engine has no REST API: user tasks and the process view via the record stream. Demo accounts, studies and
// enrolments in H2.
@Import({ZptHarnessConfiguration.class, ZptProcessInstances.Configuration.class, DemoStudyData.class})
public class LocalConfig {

    private static final Logger log = LoggerFactory.getLogger(LocalConfig.class);

    /** LocalDicomStage stops the engine itself (also when the context fails), so no destroy method here. */
    @Bean(destroyMethod = "")
    ZeebeTestEngine zeebeTestEngine() {
        return LocalDicomStage.engine();
    }

    @Bean
    LocalArchives localArchives(DicomNodeRegistry nodes) {
        return new LocalArchives(nodes);
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        String url = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? "http://localhost:" + web.getWebServer().getPort()
                : "(no web server)";
        ZeebeTestEngine engine = event.getApplicationContext().getBean(ZeebeTestEngine.class);
        DicomNodeRegistry nodes = event.getApplicationContext().getBean(DicomNodeRegistry.class);
        System.out.println();
        System.out.println("  Demo accounts: " + String.join(", ", DemoStudyData.RESEARCHER, DemoStudyData.COORDINATOR,
                DemoStudyData.ADMIN, DemoStudyData.OUTSIDER) + " (password = username unless"
                + " dicomstage.security.demo-password is set)");
        for (String node : nodes.names()) {
            System.out.println("  Archive '" + node + "': " + nodes.describe(node) + ", "
                    + nodes.archive(node).map(a -> a.size() + " instances").orElse("external"));
        }
        System.out.println("  Engine: in-memory Zeebe, gRPC 127.0.0.1:" + ZptEngines.port(engine)
                + "; metrics (admins): " + url + "/actuator/prometheus, health: " + url + "/actuator/health");
        String address = event.getApplicationContext().getEnvironment().getProperty("server.address", "0.0.0.0");
        System.out.println("  Listening on " + address + " (web), 127.0.0.1 (engine gRPC, archives)"
                + (isLoopback(address) ? ": not reachable from other machines"
                : ": the web server is reachable from the network; demo accounts still sign in from loopback only"));
        System.out.println("  Started in " + LocalDicomStage.uptimeMillis() + " ms after JVM start");
        // Printed, not only logged: scripts and people wait for this exact line.
        System.out.println("DICOM Stage is ready: " + url);
        log.info("Started in {} ms after JVM start; in-memory engine gRPC on port {}", LocalDicomStage.uptimeMillis(),
                ZptEngines.port(engine));
    }
}
