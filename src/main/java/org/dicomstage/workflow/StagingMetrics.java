package org.dicomstage.workflow;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * {@code dicomstage.staged.instances} (counter), {@code dicomstage.staging.failures} (counter, by kind:
 * business = the series came back FAILED, technical = the job failed and will be retried) and
 * {@code dicomstage.staging.duration} (timer per staged series, by outcome). Tagged by study so a dashboard can
 * tell projects apart; never by series or subject, which would explode the number of time series.
 */
@Component
class StagingMetrics {

    private final MeterRegistry registry;

    StagingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void staged(String study, int instances, Duration duration, String outcome) {
        Counter.builder("dicomstage.staged.instances").description("Instances stored into project archives")
                .tag("study", study).register(registry).increment(instances);
        Timer.builder("dicomstage.staging.duration").description("Time to stage one series")
                .tag("study", study).tag("outcome", outcome).register(registry).record(duration);
    }

    void failure(String study, String kind) {
        Counter.builder("dicomstage.staging.failures").description("Series staging failures")
                .tag("study", study).tag("kind", kind).register(registry).increment();
    }
}
