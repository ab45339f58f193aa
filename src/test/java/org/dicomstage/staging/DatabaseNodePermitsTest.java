package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.env.MockEnvironment;

/** Two "instances" (two limiters) on one migrated database: the limit is shared, a dead holder's slots come back. */
class DatabaseNodePermitsTest {

    private final MockEnvironment environment = new MockEnvironment()
            .withProperty("dicomstage.nodes.pacs.max-associations", "8")
            .withProperty("dicomstage.cluster.max-associations.pacs", "2");
    private JdbcTemplate jdbc;
    private DatabaseNodePermits a;
    private DatabaseNodePermits b;

    @BeforeEach
    void database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:permits-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).load().migrate();
        jdbc = new JdbcTemplate(ds);
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void theClusterWideLimitWinsOverTheNodesOwnAndIsSharedByAllInstances() {
        a = new DatabaseNodePermits(jdbc, environment, Duration.ofMinutes(1), Duration.ofMillis(300));
        b = new DatabaseNodePermits(jdbc, environment, Duration.ofMinutes(1), Duration.ofMillis(300));
        assertThat(a.limit("pacs")).isEqualTo(2);
        assertThat(a.limit("other")).isEqualTo(4);

        NodePermits.Lease first = a.acquire("pacs", 4);
        assertThat(first.count()).isEqualTo(2);
        assertThatThrownBy(() -> b.acquire("pacs", 1)).isInstanceOf(StagingException.class)
                .hasMessageContaining("no association slot of node 'pacs'");
        first.close();
        try (NodePermits.Lease second = b.acquire("pacs", 1); NodePermits.Lease third = a.acquire("pacs", 3)) {
            assertThat(second.count() + third.count()).isEqualTo(2);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM node_permit WHERE holder IS NOT NULL", Integer.class))
                .isZero();
    }

    /**
     * A waiter of the same instance takes a slot as soon as it is given back, not after sleeping out its backoff
     * (up to a second after a while of waiting; three rounds, so a lucky wake-up cannot pass for it).
     */
    @Test
    void aSlotGivenBackWakesTheWaitersOfTheSameInstanceAtOnce() throws Exception {
        a = new DatabaseNodePermits(jdbc, environment, Duration.ofMinutes(1), Duration.ofSeconds(30));
        for (int round = 0; round < 3; round++) {
            NodePermits.Lease all = a.acquire("pacs", 2);
            assertThat(all.count()).isEqualTo(2);
            java.util.concurrent.CompletableFuture<Long> waiter = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try (NodePermits.Lease next = a.acquire("pacs", 1)) {
                            return System.nanoTime();
                        }
                    });
            Thread.sleep(1200); // the waiter's backoff has grown to 500 ms and more
            long released = System.nanoTime();
            all.close();
            long took = waiter.get(5, java.util.concurrent.TimeUnit.SECONDS) - released;
            assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofMillis(150));
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM node_permit WHERE holder IS NOT NULL", Integer.class))
                .isZero();
    }

    @Test
    void slotsOfAnInstanceThatStoppedRenewingAreTakenOverOnceTheirLeaseExpires() {
        a = new DatabaseNodePermits(jdbc, environment, Duration.ofMillis(300), Duration.ofMillis(100));
        b = new DatabaseNodePermits(jdbc, environment, Duration.ofMinutes(1), Duration.ofSeconds(5));
        NodePermits.Lease held = a.acquire("pacs", 2);
        assertThat(held.count()).isEqualTo(2);
        a.close(); // a "crashes": no renewal, no release

        long started = System.nanoTime();
        try (NodePermits.Lease taken = b.acquire("pacs", 2)) {
            assertThat(taken.count()).isGreaterThanOrEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
