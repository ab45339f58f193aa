package org.dicomstage.study;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link StudyServiceTest} against PostgreSQL, the production database, with the same Flyway migrations. */
class StudyServicePostgresIT extends StudyServiceTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        ThrowawayPostgres.register(registry);
    }
}
