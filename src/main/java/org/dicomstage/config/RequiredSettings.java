package org.dicomstage.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.Profiles;

/**
 * Which settings the current mode requires:
 * <ul>
 * <li>profile {@code postgres}: a PostgreSQL JDBC URL and a user name. The profile blanks the H2 defaults of
 *     application.yml, so a forgotten variable shows up here instead of as a fresh in-memory database.</li>
 * <li>a Camunda client that is enabled and self-managed: the gRPC and REST addresses. The starter would otherwise
 *     fall back to localhost, which in a container is the application itself, and the first sign would be a
 *     deployment timing out. The local run and the process tests set both, pointing at the in-memory engine.</li>
 * </ul>
 * Study secrets are checked separately, once the database is there (study package).
 */
final class RequiredSettings {

    static final String POSTGRES_PROFILE = "postgres";

    private RequiredSettings() {
    }

    static List<MissingSetting> missingIn(ConfigurableEnvironment environment) {
        List<MissingSetting> missing = new ArrayList<>();
        if (environment.acceptsProfiles(Profiles.of(POSTGRES_PROFILE))) {
            String url = environment.getProperty("spring.datasource.url", "");
            if (!url.startsWith("jdbc:postgresql:")) {
                missing.add(new MissingSetting("spring.datasource.url", "SPRING_DATASOURCE_URL",
                        (url.isBlank() ? "not set" : "not a PostgreSQL URL")
                                + "; the 'postgres' profile is active and needs e.g. jdbc:postgresql://db:5432/dicomstage"));
            }
            if (blank(environment, "spring.datasource.username")) {
                missing.add(new MissingSetting("spring.datasource.username", "SPRING_DATASOURCE_USERNAME",
                        "not set; the 'postgres' profile is active"));
            }
        }
        if (camundaClientNeedsAddresses(environment)) {
            if (!setByUser(environment, "camunda.client.grpc-address")) {
                missing.add(new MissingSetting("camunda.client.grpc-address", "CAMUNDA_CLIENT_GRPCADDRESS",
                        "not set; the Zeebe gateway's gRPC address, e.g. http://orchestration:26500"));
            }
            if (!setByUser(environment, "camunda.client.rest-address")) {
                missing.add(new MissingSetting("camunda.client.rest-address", "CAMUNDA_CLIENT_RESTADDRESS",
                        "not set; the orchestration cluster's REST address, e.g. http://orchestration:8080"));
            }
        }
        return missing;
    }

    private static boolean camundaClientNeedsAddresses(Environment environment) {
        if (!environment.getProperty("camunda.client.enabled", Boolean.class, true)) {
            return false;
        }
        // SaaS clients are addressed by cluster id and region, which the starter validates itself.
        return !"saas".equalsIgnoreCase(environment.getProperty("camunda.client.mode", "self-managed").trim());
    }

    /**
     * Whether a non-blank value comes from somewhere other than the starter's per-mode defaults (its
     * {@code modes/self-managed.yaml}, added as the last property source, holds localhost addresses). Looked up
     * through Spring's relaxed binding, so CAMUNDA_CLIENT_GRPCADDRESS counts as camunda.client.grpc-address.
     */
    private static boolean setByUser(ConfigurableEnvironment environment, String property) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty found = source.getConfigurationProperty(name);
            if (found != null) {
                return !isStarterModeDefaults(source.getUnderlyingSource())
                        && found.getValue() != null && !found.getValue().toString().isBlank();
            }
        }
        return false;
    }

    private static boolean isStarterModeDefaults(Object source) {
        return source instanceof PropertySource<?> propertySource && propertySource.getName().contains("modes/");
    }

    private static boolean blank(Environment environment, String property) {
        String value = environment.getProperty(property);
        return value == null || value.isBlank();
    }
}
