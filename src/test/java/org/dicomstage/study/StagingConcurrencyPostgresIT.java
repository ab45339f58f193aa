package org.dicomstage.study;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link StagingConcurrencyTest} against PostgreSQL, the production database, with the same Flyway migrations. */
class StagingConcurrencyPostgresIT extends StagingConcurrencyTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        ThrowawayPostgres.register(registry);
    }
}
