package org.dicomstage.staging;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The database's archive slots behind a gate a test can close: while it is closed, staging, verifying and
 * publishing wait for their slots, as they do when other instances hold every slot of an archive. A job that waits
 * here is a long-running job holding its worker thread, without anything of the work itself replaced.
 */
@TestConfiguration(proxyBeanMethods = false)
public class GatedNodePermits {

    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static final AtomicInteger WAITING = new AtomicInteger();

    /** From now on every slot request waits until {@link #open()}. */
    public static void close() {
        gate = new CountDownLatch(1);
    }

    public static void open() {
        gate.countDown();
    }

    /** Slot requests waiting at the closed gate right now. */
    public static int waiting() {
        return WAITING.get();
    }

    @Bean
    @Primary
    NodePermits gatedNodePermits(DatabaseNodePermits database) {
        return (node, atMost) -> {
            CountDownLatch current = gate;
            if (current.getCount() > 0) {
                WAITING.incrementAndGet();
                try {
                    if (!current.await(5, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("the test never opened the gate of node '" + node + "'");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } finally {
                    WAITING.decrementAndGet();
                }
            }
            return database.acquire(node, atMost);
        };
    }
}
