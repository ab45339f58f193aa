package org.dicomstage.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waiting for what an engine or a worker does in its own time: the tests ask again until it is there. */
public final class Poll {

    private static final long INTERVAL_MILLIS = 100;

    private Poll() {
    }

    /**
     * Asks {@code probe} every 100 ms until it answers something other than null, and returns that; after
     * {@code timeout}, fails with the text {@code failure} gives then (it may describe the state it finds).
     */
    public static <T> T until(Duration timeout, Supplier<T> probe, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            pause(INTERVAL_MILLIS);
        }
        throw new AssertionError(failure.get());
    }

    /** Sleeps between two looks at something that changes in its own time; an interrupt ends the test. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
