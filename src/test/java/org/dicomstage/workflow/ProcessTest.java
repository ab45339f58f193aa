package org.dicomstage.workflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * A Spring Boot test on the in-memory engine: the Camunda starter connected to it over gRPC, the process and
 * forms deployed by {@link WorkflowDeployment}, {@link ZptUserTasks} as the {@link UserTasks} port.
 * {@code @JobWorker} beans are switched off so the test decides who completes which job; a test that wants
 * the real workers uses {@code @SpringBootTest} with {@link ZptEngineInitializer} and
 * {@link ZptHarnessConfiguration} itself.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = ProcessTest.Application.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "camunda.client.worker.defaults.enabled=false")
@ContextConfiguration(initializers = ZptEngineInitializer.class)
public @interface ProcessTest {

    /** Only the workflow: the process tests must not depend on the database or the archives. */
    @SpringBootConfiguration
    @EnableAutoConfiguration(exclude = {DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
            FlywayAutoConfiguration.class})
    @Import({WorkflowDeployment.class, ZptHarnessConfiguration.class})
    class Application {
    }
}
