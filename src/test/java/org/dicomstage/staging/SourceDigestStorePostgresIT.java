package org.dicomstage.staging;

import javax.sql.DataSource;

import org.dicomstage.study.ThrowawayPostgres;
import org.postgresql.ds.PGSimpleDataSource;

/** {@link SourceDigestStoreTest} against PostgreSQL, the production database, with the same Flyway migrations. */
class SourceDigestStorePostgresIT extends SourceDigestStoreTest {

    @Override
    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(ThrowawayPostgres.newDatabaseUrl());
        ds.setUser("postgres");
        ds.setPassword("");
        return ds;
    }
}
