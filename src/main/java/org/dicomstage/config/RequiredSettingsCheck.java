package org.dicomstage.config;

import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Runs {@link RequiredSettings} when the context refreshes, before any bean (data source, Camunda client) is
 * created. Not an EnvironmentPostProcessor: context initializers, such as the one that starts the in-memory engine
 * for tests and the local run, add their properties after those have run.
 */
@Component
class RequiredSettingsCheck implements BeanFactoryPostProcessor, EnvironmentAware, PriorityOrdered {

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        // Always a ConfigurableEnvironment in a Spring Boot application.
        this.environment = (ConfigurableEnvironment) environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        List<MissingSetting> missing = RequiredSettings.missingIn(environment);
        if (!missing.isEmpty()) {
            throw new MissingSettingsException(missing);
        }
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
