package org.dicomstage.workflow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the job workers ({@code dicomstage.workflow.*}).
 *
 * @param retryBackoff      wait before the first retry of a technically failed job; doubles with each retry
 * @param maxRetryBackoff   the longest wait between retries
 * @param progressInstances report staging progress at most every this many instances ...
 * @param progressInterval  ... or this much time, whichever comes first
 */
@ConfigurationProperties("dicomstage.workflow")
record WorkflowProperties(
        @DefaultValue("5s") Duration retryBackoff,
        @DefaultValue("5m") Duration maxRetryBackoff,
        @DefaultValue("50") int progressInstances,
        @DefaultValue("5s") Duration progressInterval) {

    /** Backoff before retry number {@code attempt} (1 = first retry): 5 s, 10 s, 20 s, ... capped. */
    Duration backoff(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 20));
        Duration wait = retryBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : wait;
    }
}
