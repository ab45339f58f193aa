package org.dicomstage.staging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Counts the database slots held at once per node across every application context of this JVM, exactly, at the
 * moments they matter: from the return of acquire (before any association is opened under the slots) to the call
 * of close (after the last one is released). An archive cannot count this itself: its thread for an association
 * lingers for a moment after the release, while the freed slot may already be in use again.
 */
@TestConfiguration(proxyBeanMethods = false)
public class CountedNodePermits {

    private static final Map<String, AtomicInteger> HELD = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> PEAK = new ConcurrentHashMap<>();

    public static int peak(String node) {
        return PEAK.getOrDefault(node, new AtomicInteger()).get();
    }

    @Bean
    @Primary
    NodePermits slotCountingNodePermits(DatabaseNodePermits database) {
        return (node, atMost) -> {
            NodePermits.Lease lease = database.acquire(node, atMost);
            int n = lease.count();
            int now = HELD.computeIfAbsent(node, k -> new AtomicInteger()).addAndGet(n);
            PEAK.computeIfAbsent(node, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            return new NodePermits.Lease() {
                private boolean closed;

                @Override
                public int count() {
                    return n;
                }

                @Override
                public synchronized void close() {
                    if (!closed) {
                        closed = true;
                        HELD.get(node).addAndGet(-n);
                        lease.close();
                    }
                }
            };
        };
    }
}
