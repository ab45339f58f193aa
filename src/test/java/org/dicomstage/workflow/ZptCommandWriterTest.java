package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.camunda.zeebe.process.test.api.ZeebeTestEngine;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * {@link ZptCommandWriter} reaches into ZPT internals. When ZPT is upgraded this test says so before the
 * process tests fail in obscure ways.
 */
class ZptCommandWriterTest {

    @Test
    void zptOnTheClasspathIsTheVersionTheWriterIsPinnedTo() throws Exception {
        Properties pom = new Properties();
        try (InputStream in = ZeebeTestEngine.class.getClassLoader().getResourceAsStream(
                "META-INF/maven/io.camunda/zeebe-process-test-engine/pom.properties")) {
            assertThat(in).as("zeebe-process-test-engine's pom.properties").isNotNull();
            pom.load(in);
        }
        assertThat(pom.getProperty("version"))
                .as("ZPT was upgraded: check ZptCommandWriter's reflection (InMemoryEngine.gateway.writer."
                        + "writeCommandWithKey) against the new version, then update PINNED_ZPT_VERSION")
                .isEqualTo(ZptCommandWriter.PINNED_ZPT_VERSION);
    }

    @Test
    void reachesTheCommandWriterOfARealEngine() {
        ZeebeTestEngine engine = ZptEngines.start(0);
        try {
            new ZptCommandWriter(engine);
        } finally {
            engine.stop();
        }
    }

    @Test
    void failsLoudlyOnAnEngineWithoutTheExpectedInternals() {
        ZeebeTestEngine notInMemory = Mockito.mock(ZeebeTestEngine.class);
        assertThatThrownBy(() -> new ZptCommandWriter(notInMemory))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ZPT internals changed")
                .hasMessageContaining(ZptCommandWriter.PINNED_ZPT_VERSION);
    }
}
