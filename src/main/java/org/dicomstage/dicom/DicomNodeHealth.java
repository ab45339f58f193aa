package org.dicomstage.dicom;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * One health indicator per archive: C-ECHO for DIMSE, an HTTP round trip (QIDO) for DICOMweb, the listening
 * SCP for embedded archives. DOWN carries the node's own error message, which names the peer. A result is reused
 * for {@code cache}: /actuator/health is public, and each call must not open an association to every archive.
 * Calls that arrive while a check runs wait for it rather than start their own.
 */
final class DicomNodeHealth implements HealthIndicator {

    private final DicomNodeRegistry registry;
    private final String name;
    private final Duration cache;
    private final Clock clock;
    private Health last;
    private Instant checkedAt;

    private DicomNodeHealth(DicomNodeRegistry registry, String name, Duration cache, Clock clock) {
        this.registry = registry;
        this.name = name;
        this.cache = cache;
        this.clock = clock;
    }

    static CompositeHealthContributor of(DicomNodeRegistry registry, Duration cache, Clock clock) {
        Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
        for (String name : registry.names()) {
            indicators.put(name, new DicomNodeHealth(registry, name, cache, clock));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }

    @Override
    public synchronized Health health() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(checkedAt.plus(cache))) {
            last = check();
            checkedAt = now;
        }
        return last;
    }

    private Health check() {
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
