package org.dicomstage.staging;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Cluster-wide association slots in the shared database (table {@code node_permit}): node X has
 * {@code dicomstage.cluster.max-associations.X} slots, by default its {@code dicomstage.nodes.X.max-associations}
 * (4). A slot is taken by a conditional UPDATE (free, or its lease expired), so two instances never hold the same
 * slot; a background task renews the leases held here, and a crashed instance's slots are free again once their
 * lease expires. Waiting is polling with a growing, jittered backoff: simple, not fair.
 * A slot given back by this instance wakes this instance's waiters at once, though: otherwise they would sleep out
 * a backoff of up to a second while the slot sits free (twenty requests at once queue for the holding node's
 * slots), and poll the table meanwhile. Slots freed by other instances are still found by polling.
 *
 * <p>Each statement runs in its own transaction (no surrounding @Transactional): a duplicate-key insert must not
 * poison anything else, and a taken slot must be visible to the other instances at once.
 */
@Component
class DatabaseNodePermits implements NodePermits, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseNodePermits.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private record Held(String node, int slot, String holder) {
    }

    private final JdbcTemplate jdbc;
    private final Environment environment;
    private final Duration lease;
    private final Duration maxWait;
    private final Clock clock = Clock.systemUTC();
    private final String instance = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong leases = new AtomicLong();
    private final Set<String> slotsCreated = ConcurrentHashMap.newKeySet();
    private final Set<Held> held = ConcurrentHashMap.newKeySet();
    /** Leases given back by this instance so far; waiters wait on it (see the class comment). */
    private final Object releases = new Object();
    private long released;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "node-permit-renewer");
        t.setDaemon(true);
        return t;
    });

    DatabaseNodePermits(JdbcTemplate jdbc, Environment environment,
                        @Value("${dicomstage.cluster.permit-lease:60s}") Duration lease,
                        @Value("${dicomstage.cluster.permit-wait:30m}") Duration maxWait) {
        this.jdbc = jdbc;
        this.environment = environment;
        this.lease = lease;
        this.maxWait = maxWait;
        long every = Math.max(100, lease.toMillis() / 3);
        renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** The cluster-wide limit of one node. */
    int limit(String node) {
        Integer own = environment.getProperty("dicomstage.cluster.max-associations." + node, Integer.class);
        if (own != null) {
            return Math.max(1, own);
        }
        return Math.max(1, environment.getProperty("dicomstage.nodes." + node + ".max-associations", Integer.class, 4));
    }

    @Override
    public Lease acquire(String node, int atMost) {
        int limit = limit(node);
        createSlots(node, limit);
        String holder = instance + "#" + leases.incrementAndGet();
        long deadline = System.nanoTime() + maxWait.toNanos();
        long backoff = FIRST_BACKOFF.toMillis();
        while (true) {
            long releasedBefore = releasedSoFar();
            List<Held> taken = new ArrayList<>();
            OffsetDateTime now = now();
            for (Integer slot : jdbc.queryForList("SELECT slot FROM node_permit WHERE node = ? AND slot < ? "
                    + "AND (holder IS NULL OR expires_at < ?) ORDER BY slot", Integer.class, node, limit, now)) {
                if (taken.size() >= Math.max(1, atMost)) {
                    break;
                }
                if (jdbc.update("UPDATE node_permit SET holder = ?, expires_at = ? WHERE node = ? AND slot = ? "
                        + "AND (holder IS NULL OR expires_at < ?)", holder, now.plus(lease), node, slot, now) == 1) {
                    Held h = new Held(node, slot, holder);
                    held.add(h);
                    taken.add(h);
                }
            }
            if (!taken.isEmpty()) {
                return lease(taken);
            }
            if (System.nanoTime() > deadline) {
                throw new StagingException("no association slot of node '" + node + "' came free within " + maxWait
                        + " (cluster-wide limit " + limit + ")", null);
            }
            awaitRelease(releasedBefore, backoff + ThreadLocalRandom.current().nextLong(backoff));
            backoff = Math.min(MAX_BACKOFF.toMillis(), backoff * 2);
        }
    }

    private Lease lease(List<Held> taken) {
        return new Lease() {
            private boolean closed;

            @Override
            public int count() {
                return taken.size();
            }

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                taken.forEach(held::remove);
                Held first = taken.getFirst();
                try {
                    // The holder names this lease alone: one statement gives all its slots back.
                    jdbc.update("UPDATE node_permit SET holder = NULL, expires_at = NULL WHERE node = ? AND holder = ?",
                            first.node(), first.holder());
                } catch (RuntimeException e) {
                    // The lease runs out on its own; the slots are only blocked until then.
                    log.warn("releasing {} slot(s) of node '{}' failed: {}", taken.size(), first.node(),
                            e.getMessage());
                }
                synchronized (releases) {
                    released++;
                    releases.notifyAll();
                }
            }
        };
    }

    private void createSlots(String node, int limit) {
        if (!slotsCreated.add(node + "/" + limit)) {
            return;
        }
        Set<Integer> existing = Set.copyOf(jdbc.queryForList("SELECT slot FROM node_permit WHERE node = ?",
                Integer.class, node));
        for (int slot = 0; slot < limit; slot++) {
            if (existing.contains(slot)) {
                continue;
            }
            try {
                jdbc.update("INSERT INTO node_permit (node, slot) VALUES (?, ?)", node, slot);
            } catch (DataIntegrityViolationException e) {
                // Another instance created it just now: that is all we wanted.
            }
        }
    }

    private void renew() {
        for (Held h : held) {
            try {
                if (jdbc.update("UPDATE node_permit SET expires_at = ? WHERE node = ? AND slot = ? AND holder = ?",
                        now().plus(lease), h.node(), h.slot(), h.holder()) == 0 && held.contains(h)) {
                    // Only after a stall longer than the lease: another instance may now use the slot as well.
                    log.error("lost slot {} of node '{}' (lease expired before it was renewed)", h.slot(), h.node());
                }
            } catch (RuntimeException e) {
                log.warn("renewing slot {} of node '{}' failed: {}", h.slot(), h.node(), e.getMessage());
            }
        }
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private long releasedSoFar() {
        synchronized (releases) {
            return released;
        }
    }

    /** Up to {@code millis}, or until this instance gives a lease back after {@code releasedBefore} was read. */
    private void awaitRelease(long releasedBefore, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            synchronized (releases) {
                long left;
                while (released == releasedBefore && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(releases, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StagingException("interrupted while waiting for an association slot", e);
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }
}
