package org.dicomstage.staging;

/**
 * Association slots per archive. Staging and verification take their slots here before they open associations,
 * so an archive gets no more than its limit from all instances of the application together.
 */
interface NodePermits {

    /**
     * Waits until at least one slot of {@code node} is free and takes it, plus up to {@code atMost - 1} more that
     * are free right now. Taking the extra slots without waiting keeps two callers from each holding part of what
     * they want while waiting for the rest.
     */
    Lease acquire(String node, int atMost);

    /** Slots held until closed. */
    interface Lease extends AutoCloseable {
        int count();

        @Override
        void close();
    }

    /** One process, no database (the CLI, tests of the stager): only each node's own in-process bound applies. */
    static NodePermits inProcessOnly() {
        return (node, atMost) -> new Lease() {
            @Override
            public int count() {
                return atMost;
            }

            @Override
            public void close() {
            }
        };
    }
}
