package org.dicomstage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Binding of {@code dicomstage.nodes.*}, the registry's errors and life cycle, and the per-node health. */
class DicomNodeRegistryTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                .withUserConfiguration(DicomConfiguration.class)
                .withPropertyValues(
                        "dicomstage.nodes.study0.kind=EMBEDDED",
                        "dicomstage.nodes.study0.ae-title=STUDY0",
                        "dicomstage.nodes.study0.storage-directory=" + dir.resolve("study0"),
                        "dicomstage.nodes.pacs.kind=DIMSE",
                        "dicomstage.nodes.pacs.ae-title=PACS",
                        "dicomstage.nodes.pacs.host=127.0.0.1",
                        "dicomstage.nodes.pacs.port=1",
                        "dicomstage.nodes.pacs.connect-timeout=500ms",
                        "dicomstage.nodes.web.kind=DICOMWEB",
                        "dicomstage.nodes.web.base-url=http://127.0.0.1:1/dicom-web");
    }

    @Test
    void bindsEveryNodeStartsEmbeddedArchivesAndClosesThemWithTheContext() {
        EmbeddedArchive[] started = new EmbeddedArchive[1];
        runner().run(context -> {
            DicomNodeRegistry registry = context.getBean(DicomNodeRegistry.class);
            assertThat(registry.names()).containsExactly("study0", "pacs", "web");
            assertThat(registry.node("pacs")).isInstanceOf(DimseNode.class);
            assertThat(registry.node("web")).isInstanceOf(DicomWebNode.class);
            assertThat(registry.node("study0")).isInstanceOf(EmbeddedNode.class);
            assertThat(registry.defaultSourceNode()).isEqualTo("study0");
            started[0] = registry.archive("study0").orElseThrow();
            assertThat(started[0].port()).isPositive();
            assertThat(registry.moveReceiver()).as("no C-MOVE node, no receiver").isEmpty();
        });
        assertThatThrownBy(() -> started[0].port()).as("closed with the context")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnknownNodeIsNamedWithTheConfiguredOnes() {
        runner().run(context -> assertThatThrownBy(() -> context.getBean(DicomNodeRegistry.class).node("projct"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no DICOM node 'projct'").hasMessageContaining("[study0, pacs, web]"));
    }

    @Test
    void aNodeWithoutKindStopsTheStart() {
        new ApplicationContextRunner().withUserConfiguration(DicomConfiguration.class)
                .withPropertyValues("dicomstage.nodes.x.host=pacs")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("dicomstage.nodes.x.kind is required"));
    }

    @Test
    void healthIsPerNodeAndDownNamesTheCause() {
        runner().withPropertyValues("dicomstage.health.cache=0s").run(context -> {
            CompositeHealthContributor health = context.getBean("dicomNodes", CompositeHealthContributor.class);
            assertThat(((HealthIndicator) health.getContributor("study0")).health().getStatus()).isEqualTo(Status.UP);
            var pacs = ((HealthIndicator) health.getContributor("pacs")).health();
            assertThat(pacs.getStatus()).isEqualTo(Status.DOWN);
            assertThat(pacs.getDetails().get("error")).asString().contains("pacs");
            context.getBean(DicomNodeRegistry.class).archive("study0").orElseThrow().close();
            assertThat(((HealthIndicator) health.getContributor("study0")).health().getStatus())
                    .isEqualTo(Status.DOWN);
        });
    }

    /** Issue 11: /actuator/health is public, and 20 anonymous calls opened 20 associations to each archive. */
    @Test
    void twentyHealthChecksOpenOneAssociationPerCachePeriod() throws Exception {
        try (EmbeddedArchive archive = new EmbeddedArchive("PACS", dir.resolve("pacs"), 0, 4)) {
            archive.start();
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                    .withUserConfiguration(DicomConfiguration.class)
                    .withPropertyValues("dicomstage.nodes.pacs.kind=DIMSE", "dicomstage.nodes.pacs.ae-title=PACS",
                            "dicomstage.nodes.pacs.host=127.0.0.1", "dicomstage.nodes.pacs.port=" + archive.port())
                    .run(context -> {
                        HealthIndicator pacs = (HealthIndicator) context.getBean("dicomNodes",
                                CompositeHealthContributor.class).getContributor("pacs");
                        for (int i = 0; i < 20; i++) {
                            assertThat(pacs.health().getStatus()).isEqualTo(Status.UP);
                        }
                        assertThat(archive.associationsAccepted()).as("associations for 20 health calls")
                                .isEqualTo(1);
                    });
        }
    }
}
