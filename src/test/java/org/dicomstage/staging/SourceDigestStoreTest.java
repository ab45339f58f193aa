package org.dicomstage.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The source digests of a series, on the migrated schema (H2 here, PostgreSQL in {@link SourceDigestStorePostgresIT}):
 * read back as written, replaced by a second staging run without duplicates, never half there, and gone with their
 * series. The record of its verified copy ({@link VerifiedCopyStore}) hangs off them and goes with them.
 */
class SourceDigestStoreTest {

    private static final String SERIES = "1.2.826.0.1.3680043.8.498.1.1";

    private JdbcTemplate jdbc;
    private SourceDigestStore store;
    private VerifiedCopyStore verified;
    private long requestId;

    DataSource dataSource() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:digests-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    @BeforeEach
    void database() {
        DataSource ds = dataSource();
        Flyway.configure().dataSource(ds).load().migrate();
        jdbc = new JdbcTemplate(ds);
        store = new SourceDigestStore(jdbc, new DataSourceTransactionManager(ds));
        verified = new VerifiedCopyStore(jdbc);
        jdbc.update("INSERT INTO study (identifier, name, dicom_enabled, source_archive) VALUES ('S', 'S', TRUE, FALSE)");
        long study = jdbc.queryForObject("SELECT id FROM study WHERE identifier = 'S'", Long.class);
        jdbc.update("INSERT INTO staging_request (version, study_id, pid, study_subject_id, study0_study_uid,"
                + " requested_by, requested_at, open_marker) VALUES (0, ?, 'PID', 'SUBJ', '1.2.3', 'alice',"
                + " CURRENT_TIMESTAMP, TRUE)", study);
        requestId = jdbc.queryForObject("SELECT id FROM staging_request", Long.class);
        jdbc.update("INSERT INTO staging_series (version, request_id, study_uid, series_uid, instance_count, selected,"
                + " status, expected_instances, staged_instances, updated_at) VALUES (0, ?, '1.2.3', ?, 2, TRUE,"
                + " 'STAGED', 2, 2, CURRENT_TIMESTAMP)", requestId, SERIES);
    }

    @Test
    void whatIsRecordedIsReadBackAsItWas() {
        SourceDigests digests = digests("a1", "Becker^Matthew");

        store.replace(requestId, SERIES, digests);

        SourceDigests read = store.find(requestId, SERIES).orElseThrow();
        assertThat(read.instances()).isEqualTo(digests.instances());
        assertThat(read.identifiers()).isEqualTo(digests.identifiers());
        assertThat(store.find(requestId, "1.2.826.0.1.3680043.8.498.1.2")).isEmpty();
    }

    @Test
    void stagingAgainReplacesTheRecordWithoutDuplicates() {
        store.replace(requestId, SERIES, digests("a1", "Becker^Matthew"));
        SourceDigests again = digests("b2", "Jones^Peter");

        store.replace(requestId, SERIES, again);

        assertThat(store.find(requestId, SERIES).orElseThrow().instances()).isEqualTo(again.instances());
        assertThat(store.find(requestId, SERIES).orElseThrow().identifiers().values()).containsExactly("Jones^Peter");
        assertThat(count("source_digest_set")).isEqualTo(1);
        assertThat(count("source_instance_digest")).isEqualTo(2);
    }

    @Test
    void aRecordThatFailsToBeWrittenLeavesNothingAndTheEarlierOneStands() {
        SourceDigests first = digests("a1", "Becker^Matthew");
        store.replace(requestId, SERIES, first);
        // A digest too long for its column: the insert fails half way through the record.
        SourceDigests broken = new SourceDigests(Map.of("2.25.1", new SourceDigests.Instance("2.25.1", true, true,
                "x".repeat(65), null, "CT")), new SeriesVerifier.Identifiers(Set.of("Jones^Peter"), Set.of(),
                Set.of()));

        assertThatThrownBy(() -> store.replace(requestId, SERIES, broken)).isInstanceOf(RuntimeException.class);

        assertThat(store.find(requestId, SERIES).orElseThrow().instances()).isEqualTo(first.instances());
    }

    @Test
    void aRecordWhoseRowsDoNotAddUpIsRefusedNotUsed() {
        store.replace(requestId, SERIES, digests("a1", "Becker^Matthew"));
        jdbc.update("DELETE FROM source_instance_digest WHERE sop_instance_uid = '2.25.2'");

        assertThatThrownBy(() -> store.find(requestId, SERIES)).isInstanceOf(StagingException.class)
                .hasMessageContaining("incomplete (1 of 2 instances");
    }

    @Test
    void theRecordGoesWithItsSeriesAndCanBeForgotten() {
        store.replace(requestId, SERIES, digests("a1", "Becker^Matthew"));
        store.delete(requestId, SERIES);
        assertThat(store.find(requestId, SERIES)).isEmpty();

        store.replace(requestId, SERIES, digests("a1", "Becker^Matthew"));
        jdbc.update("DELETE FROM staging_series WHERE request_id = ?", requestId);
        assertThat(count("source_digest_set") + count("source_instance_digest") + count("source_identifier"))
                .isZero();
    }

    @Test
    void theVerifiedCopyIsReadBackAndGoesWhenTheSeriesIsStagedAgain() {
        store.replace(requestId, SERIES, digests("a1", "Becker^Matthew"));
        List<InstanceDigest> copy = List.of(new InstanceDigest("2.25.1", "d1".repeat(32), "p1".repeat(32)),
                new InstanceDigest("2.25.2", "d2".repeat(32), null));

        assertThat(verified.replace(requestId, SERIES, copy)).isTrue();
        assertThat(verified.replace(requestId, SERIES, copy)).as("verified again: one record").isTrue();

        assertThat(verified.find(requestId, SERIES).orElseThrow()).containsOnlyKeys("2.25.1", "2.25.2")
                .containsValues(copy.toArray(InstanceDigest[]::new));
        store.replace(requestId, SERIES, digests("b2", "Becker^Matthew"));
        assertThat(verified.find(requestId, SERIES)).as("a new staging run is not the verified copy").isEmpty();
        assertThat(count("verified_copy_instance")).isZero();
    }

    @Test
    void aVerifiedCopyNeedsASourceRecordAndIsRefusedWhenItsRowsDoNotAddUp() {
        List<InstanceDigest> copy = List.of(new InstanceDigest("2.25.1", "d1".repeat(32), "p1".repeat(32)),
                new InstanceDigest("2.25.2", "d2".repeat(32), "p2".repeat(32)));
        assertThat(verified.replace(requestId, SERIES, copy)).as("staged before records were kept").isFalse();
        assertThat(verified.find(requestId, SERIES)).isEmpty();

        store.replace(requestId, SERIES, digests("a1", "Becker^Matthew"));
        verified.replace(requestId, SERIES, copy);
        jdbc.update("DELETE FROM verified_copy_instance WHERE sop_instance_uid = '2.25.2'");
        assertThatThrownBy(() -> verified.find(requestId, SERIES)).isInstanceOf(StagingException.class)
                .hasMessageContaining("incomplete (1 of 2 instances").hasMessageContaining("verify the series again");
    }

    private int count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }

    private static SourceDigests digests(String digestPrefix, String name) {
        return new SourceDigests(Map.of(
                "2.25.1", new SourceDigests.Instance("2.25.1", true, true, (digestPrefix + "0").repeat(16),
                        "ACME banner", "CT 'Planning CT'"),
                "2.25.2", new SourceDigests.Instance("2.25.2", true, false, null, null, null)),
                new SeriesVerifier.Identifiers(Set.of(name), Set.of(name.split("\\^")[0].toLowerCase()),
                        Set.of("1.2.3", "1.2.3.4")));
    }
}
