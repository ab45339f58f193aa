package org.dicomstage.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points the application's nodes at embedded archives on free loopback ports, as the local run does. */
public final class EmbeddedNodes {

    private EmbeddedNodes() {
    }

    /** Each node becomes an EMBEDDED archive (AE title = upper-cased name) storing under {@code directory/<node>}. */
    public static void register(DynamicPropertyRegistry registry, Supplier<Path> directory, List<String> nodes) {
        for (String node : nodes) {
            registry.add("dicomstage.nodes." + node + ".kind", () -> "EMBEDDED");
            registry.add("dicomstage.nodes." + node + ".ae-title", node::toUpperCase);
            registry.add("dicomstage.nodes." + node + ".port", () -> 0);
            registry.add("dicomstage.nodes." + node + ".storage-directory",
                    () -> directory.get().resolve(node).toString());
        }
    }
}
