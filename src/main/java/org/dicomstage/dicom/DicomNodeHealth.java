package org.dicomstage.dicom;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * One health indicator per archive: C-ECHO for DIMSE, an HTTP round trip (QIDO) for DICOMweb, the listening
 * SCP for embedded archives. DOWN carries the node's own error message, which names the peer.
 */
final class DicomNodeHealth implements HealthIndicator {

    private final DicomNodeRegistry registry;
    private final String name;

    private DicomNodeHealth(DicomNodeRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    static CompositeHealthContributor of(DicomNodeRegistry registry) {
        Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
        for (String name : registry.names()) {
            indicators.put(name, new DicomNodeHealth(registry, name));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }

    @Override
    public Health health() {
        long started = System.nanoTime();
        try {
            registry.node(name).echo();
            return Health.up().withDetail("node", registry.describe(name))
                    .withDetail("millis", (System.nanoTime() - started) / 1_000_000).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("node", registry.describe(name))
                    .withDetail("error", String.valueOf(e.getMessage())).build();
        }
    }
}
