package org.dicomstage.dicom;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The configured archives as one registry bean, and their health on /actuator/health (group "dicomNodes"). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DicomNodeProperties.class)
class DicomConfiguration {

    @Bean(destroyMethod = "close")
    DicomNodeRegistry dicomNodeRegistry(DicomNodeProperties properties) {
        return new DicomNodeRegistry(properties);
    }

    @Bean
    CompositeHealthContributor dicomNodes(DicomNodeRegistry registry) {
        return DicomNodeHealth.of(registry);
    }
}
