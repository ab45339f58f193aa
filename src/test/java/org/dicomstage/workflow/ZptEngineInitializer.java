package org.dicomstage.workflow;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the in-memory engine before the Spring context refreshes, points the Camunda starter at it, and
 * registers it as bean {@value #ENGINE_BEAN}. The engine is a disposable singleton, so it stops both when the
 * context closes and when the refresh fails (Spring destroys the singletons then); otherwise its non-daemon
 * gRPC threads would keep the JVM alive.
 */
public final class ZptEngineInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** gRPC port of the engine; 0 (the default) picks a free one. */
    public static final String PORT_PROPERTY = "dicomstage.zpt.port";
    public static final String ENGINE_BEAN = "zeebeTestEngine";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        int port = context.getEnvironment().getProperty(PORT_PROPERTY, Integer.class, 0);
        ZeebeTestEngine engine = ZptEngines.start(port);
        try {
            context.getEnvironment().getPropertySources()
                    .addFirst(new MapPropertySource("zpt-engine", ZptEngines.clientProperties(engine)));
            DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
            beans.registerSingleton(ENGINE_BEAN, engine);
            beans.registerDisposableBean(ENGINE_BEAN, engine::stop);
        } catch (RuntimeException e) {
            engine.stop();
            throw e;
        }
    }
}
