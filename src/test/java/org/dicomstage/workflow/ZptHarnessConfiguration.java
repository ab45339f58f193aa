package org.dicomstage.workflow;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The beans a context running on the in-memory engine needs besides the engine itself. */
@TestConfiguration(proxyBeanMethods = false)
public class ZptHarnessConfiguration {

    /** Primary: the production REST adapter may be in the context too, but the test engine has no REST API. */
    @Bean
    @Primary
    ZptUserTasks zptUserTasks(ZeebeTestEngine engine) {
        return new ZptUserTasks(engine);
    }
}
