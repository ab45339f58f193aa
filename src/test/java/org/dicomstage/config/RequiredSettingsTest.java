package org.dicomstage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dicomstage.DicomStageApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

class RequiredSettingsTest {

    private static final String GRPC = "--camunda.client.grpc-address=http://127.0.0.1:1";
    private static final String REST = "--camunda.client.rest-address=http://127.0.0.1:1";

    @Test
    void postgresProfileWithoutUrlNamesTheVariable() {
        MockEnvironment environment = camunda().withProperty("spring.datasource.username", "dicomstage");
        environment.setActiveProfiles("postgres");

        assertThat(RequiredSettings.missingIn(environment)).singleElement().satisfies(m -> {
            assertThat(m.property()).isEqualTo("spring.datasource.url");
            assertThat(m.environmentVariable()).isEqualTo("SPRING_DATASOURCE_URL");
            assertThat(m.reason()).startsWith("not set;");
        });
    }

    @Test
    void postgresProfileRefusesTheH2Url() {
        MockEnvironment environment = camunda().withProperty("spring.datasource.url", "jdbc:h2:mem:dicomstage");
        environment.setActiveProfiles("postgres");

        assertThat(RequiredSettings.missingIn(environment)).extracting(MissingSetting::describe).containsExactly(
                "spring.datasource.url (environment variable SPRING_DATASOURCE_URL): not a PostgreSQL URL; the"
                        + " 'postgres' profile is active and needs e.g. jdbc:postgresql://db:5432/dicomstage",
                "spring.datasource.username (environment variable SPRING_DATASOURCE_USERNAME): not set; the"
                        + " 'postgres' profile is active");
    }

    @Test
    void withoutPostgresProfileTheH2DefaultIsFine() {
        assertThat(RequiredSettings.missingIn(camunda())).isEmpty();
    }

    @Test
    void camundaAddressesAreRequiredUnlessTheClientIsOffOrSaas() {
        assertThat(RequiredSettings.missingIn(new MockEnvironment())).extracting(MissingSetting::environmentVariable)
                .containsExactly("CAMUNDA_CLIENT_GRPCADDRESS", "CAMUNDA_CLIENT_RESTADDRESS");
        assertThat(RequiredSettings.missingIn(new MockEnvironment()
                .withProperty("camunda.client.grpc-address", " "))).hasSize(2);
        assertThat(RequiredSettings.missingIn(new MockEnvironment()
                .withProperty("camunda.client.enabled", "false"))).isEmpty();
        assertThat(RequiredSettings.missingIn(new MockEnvironment()
                .withProperty("camunda.client.mode", "saas"))).isEmpty();
    }

    @Test
    void postgresProfileCompleteIsFine() {
        MockEnvironment environment = camunda()
                .withProperty("spring.datasource.url", "jdbc:postgresql://postgres:5432/dicomstage")
                .withProperty("spring.datasource.username", "dicomstage");
        environment.setActiveProfiles("postgres");

        assertThat(RequiredSettings.missingIn(environment)).isEmpty();
    }

    /** The real application, with application.yml and application-postgres.yml: the start stops before any bean. */
    @Test
    void applicationStartFailsNamingTheMissingDatasourceUrl() {
        assertThatThrownBy(() -> start("--spring.profiles.active=postgres", GRPC, REST))
                .isInstanceOf(MissingSettingsException.class)
                .hasMessageContaining("spring.datasource.url (environment variable SPRING_DATASOURCE_URL): not set")
                .hasMessageContaining("SPRING_DATASOURCE_USERNAME");
    }

    /** Also proves the starter puts no default address into the environment that would hide the gap. */
    @Test
    void applicationStartFailsNamingTheMissingCamundaAddresses() {
        assertThatThrownBy(() -> start())
                .isInstanceOf(MissingSettingsException.class)
                .hasMessageContaining("camunda.client.grpc-address (environment variable CAMUNDA_CLIENT_GRPCADDRESS)")
                .hasMessageContaining("camunda.client.rest-address (environment variable CAMUNDA_CLIENT_RESTADDRESS)")
                .hasMessageNotContaining("spring.datasource");
    }

    @Test
    void failureAnalyzerIsRegisteredAndSaysWhatToSet() {
        // Other analyzers need constructor arguments the loader is not given here: skip those.
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
                .load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((m, e) -> { })))
                .hasAtLeastOneElementOfType(StartupFailureAnalyzer.class);

        FailureAnalysis analysis = new StartupFailureAnalyzer().analyze(new IllegalStateException("wrapped",
                new MissingSettingsException(RequiredSettings.missingIn(new MockEnvironment()))));

        assertThat(analysis.getDescription()).contains("camunda.client.grpc-address");
        assertThat(analysis.getAction()).startsWith("Set CAMUNDA_CLIENT_GRPCADDRESS, CAMUNDA_CLIENT_RESTADDRESS ");
    }

    private static MockEnvironment camunda() {
        return new MockEnvironment()
                .withProperty("camunda.client.grpc-address", "http://orchestration:26500")
                .withProperty("camunda.client.rest-address", "http://orchestration:8080");
    }

    private static void start(String... args) {
        SpringApplication application = new SpringApplication(DicomStageApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.run(args).close();
    }
}
