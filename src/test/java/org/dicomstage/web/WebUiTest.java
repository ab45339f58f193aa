package org.dicomstage.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.dicomstage.DicomStageApplication;
import org.dicomstage.study.DemoStudyData;
import org.dicomstage.workflow.ZptEngineInitializer;
import org.dicomstage.workflow.ZptHarnessConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on the in-memory engine with H2 and the demo accounts, served on a random port (for the
 * browser test; MockMvc tests use the same context, so Spring caches one for all). Job workers are off: the
 * workers are not part of the web UI, and a test that needs a step done completes its job itself.
 * {@link TestPatientStudies} stands in for the Study0 listing; {@link ZptProcessInstances} reads the engine.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = WebUiTest.Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camunda.client.worker.defaults.enabled=false", "dicomstage.security.mode=demo"})
@ContextConfiguration(initializers = ZptEngineInitializer.class)
@Import({ZptHarnessConfiguration.class, DemoStudyData.class, TestPatientStudies.class,
        ZptProcessInstances.Configuration.class})
public @interface WebUiTest {

    /**
     * The application's own scan, minus other {@code @SpringBootConfiguration}s on the test classpath: scanning from
     * {@link DicomStageApplication} would pick up e.g. {@code ProcessTest.Application} and its exclusion of the
     * database auto-configuration.
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @AutoConfigurationPackage(basePackageClasses = DicomStageApplication.class) // JPA entities and repositories
    @ComponentScan(basePackageClasses = DicomStageApplication.class, excludeFilters = {
            @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
            @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
            @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = SpringBootConfiguration.class)})
    class Application {
    }
}
