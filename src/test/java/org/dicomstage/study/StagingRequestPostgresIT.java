package org.dicomstage.study;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link StagingRequestTest} against PostgreSQL, the production database, with the same Flyway migrations. */
class StagingRequestPostgresIT extends StagingRequestTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        ThrowawayPostgres.register(registry);
    }
}
