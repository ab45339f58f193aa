package org.dicomstage.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The study-to-tenant mapping: ids the cluster accepts, one tenant per study, readable where it can be. */
class StudyTenantsTest {

    /** TenantCreateRequest.tenantId in the vendored 8.8 REST API spec (src/test/resources/camunda). */
    private static final Pattern CAMUNDA_TENANT_ID = Pattern.compile("^[A-Za-z0-9_@.+-]+$");

    @Test
    void aStudyIdentifierOfPlainCharactersIsItsOwnTenant() {
        assertThat(StudyTenants.tenantId("RT-HN-2026")).isEqualTo("RT-HN-2026");
        assertThat(StudyTenants.tenantId("qol_2025.v2")).isEqualTo("qol_2025.v2");
    }

    @Test
    void anyOtherIdentifierKeepsItsReadablePartAndGetsADigestSoNoTwoStudiesShareATenant() {
        String spaced = StudyTenants.tenantId("RT HN 2026");
        String slashed = StudyTenants.tenantId("RT/HN/2026");
        String plain = StudyTenants.tenantId("RT_HN_2026");

        assertThat(spaced).startsWith("RT_HN_2026@").hasSize("RT_HN_2026@".length() + 16);
        assertThat(Set.of(spaced, slashed, plain)).hasSize(3);
        assertThat(StudyTenants.tenantId("RT HN 2026")).isEqualTo(spaced);
    }

    @Test
    void everyIdentifierTheStudyTableHoldsMapsToATenantIdTheClusterAccepts() {
        List<String> identifiers = List.of("A", "x".repeat(64), "Étude cœur 2026", "<default>", "a+b@c",
                "日本語の研究", "tab\there", "💡".repeat(32), "RT-HN-2026");
        Set<String> tenants = new HashSet<>();
        for (String identifier : identifiers) {
            String tenant = StudyTenants.tenantId(identifier);
            assertThat(tenant).as(identifier).matches(CAMUNDA_TENANT_ID).hasSizeLessThanOrEqualTo(255)
                    .isNotEqualTo(StudyTenants.DEFAULT_TENANT);
            tenants.add(tenant);
        }
        assertThat(tenants).hasSize(identifiers.size());
        assertThatThrownBy(() -> StudyTenants.tenantId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StudyTenants.tenantId("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withTenantsSwitchedOffEveryStudyRunsInTheDefaultTenant() {
        StudyTenants off = new StudyTenants(new MockEnvironment().withProperty(StudyTenants.ENABLED_PROPERTY, "false"));
        StudyTenants on = new StudyTenants(new MockEnvironment());

        assertThat(off.tenantOf("RT-HN-2026")).isEqualTo("<default>");
        assertThat(on.tenantOf("RT-HN-2026")).isEqualTo("RT-HN-2026");
    }
}
