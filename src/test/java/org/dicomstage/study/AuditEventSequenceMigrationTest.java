package org.dicomstage.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** V11 on a database that has audit rows already: the sequence starts after them, so no id is used twice. */
class AuditEventSequenceMigrationTest {

    @Test
    void theSequenceStartsAfterTheHighestIdUsedAndTheIdentityDefaultIsGone() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:audit-seq-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).target("10").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        for (int i = 0; i < 3; i++) {
            jdbc.update("INSERT INTO audit_event (occurred_at, username, action) VALUES (CURRENT_TIMESTAMP, 'u', 'A')");
        }
        long highest = jdbc.queryForObject("SELECT MAX(id) FROM audit_event", Long.class);

        Flyway.configure().dataSource(ds).load().migrate();

        assertThat(jdbc.queryForObject("SELECT NEXT VALUE FOR audit_event_seq", Long.class)).isEqualTo(highest + 1);
        assertThatThrownBy(() -> jdbc.update(
                "INSERT INTO audit_event (occurred_at, username, action) VALUES (CURRENT_TIMESTAMP, 'u', 'A')"))
                .hasMessageContaining("ID");
    }
}
