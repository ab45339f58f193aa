package org.dicomstage.dicom;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The configured archives as one registry bean, and their health on /actuator/health (group "dicomNodes"). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DicomNodeProperties.class)
class DicomConfiguration {

    @Bean(destroyMethod = "close")
    DicomNodeRegistry dicomNodeRegistry(DicomNodeProperties properties) {
        return new DicomNodeRegistry(properties);
    }

    /** {@code dicomstage.health.cache}: how long one check of an archive answers /actuator/health (15 s). */
    @Bean
    CompositeHealthContributor dicomNodes(DicomNodeRegistry registry, Environment environment) {
        Duration cache = Binder.get(environment).bind("dicomstage.health.cache", Duration.class)
                .orElse(Duration.ofSeconds(15));
        return DicomNodeHealth.of(registry, cache, Clock.systemUTC());
    }
}
