package db.migration;

import java.sql.ResultSet;
import java.sql.Statement;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Audit event ids from a sequence instead of the identity column, so that Hibernate can batch a transaction's
 * audit rows (an identity id is known only after each insert, which rules batching out). Hibernate takes 50 ids
 * per sequence call ({@code hibernate.id.optimizer.pooled.preferred: pooled-lo}: the value it gets is the first
 * id of its block).
 *
 * <p>Java rather than SQL because the sequence starts after the highest id already used, and neither H2 nor
 * PostgreSQL takes a query there in a statement the other understands. The identity default is dropped: every
 * id comes from the sequence now, and an insert without one fails rather than colliding with it later. The
 * package is Flyway's default location ({@code classpath:db/migration}), where it finds Java migrations too.
 */
public class V11__audit_event_sequence extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        long next;
        try (Statement statement = context.getConnection().createStatement();
             ResultSet max = statement.executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_event")) {
            max.next();
            next = max.getLong(1);
        }
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("CREATE SEQUENCE audit_event_seq START WITH " + next + " INCREMENT BY 50");
            statement.execute("ALTER TABLE audit_event ALTER COLUMN id DROP IDENTITY");
        }
    }
}
