package org.dicomstage.workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Which Camunda tenant a study's processes run in: one logical tenant per study, so that Tasklist and Operate show a
 * user only the tenants (studies) they are assigned to ({@code dicomstage.tenants.enabled}, on by default; the local
 * run and the process tests switch it off, as the in-memory engine ignores tenant ids).
 *
 * <p>The mapping, {@link #tenantId(String)}: Camunda 8.8 takes tenant ids of 1 to 255 characters out of letters,
 * digits and {@code _ - + . @} ({@code TenantCreateRequest} in the 8.8 REST API spec). A study identifier made of
 * letters, digits, {@code _}, {@code -} and {@code .} alone (RT-HN-2026, every identifier so far) is its own tenant
 * id. Any other identifier becomes its characters with every other character replaced by {@code _}, then {@code @}
 * and the first 16 hex digits of the SHA-256 of the identifier's UTF-8 bytes: two such identifiers that differ
 * only in replaced characters still get different tenants, and the {@code @} keeps them apart from the plain ones,
 * which never contain it. Identifiers are at most 64 characters (the study table), so a tenant id is at most 81.
 * The cluster's own {@code <default>} tenant cannot come out of it.
 */
@Component
public class StudyTenants {

    /** The cluster's tenant when multi-tenancy is not used (Camunda's {@code <default>}). */
    public static final String DEFAULT_TENANT = "<default>";
    public static final String ENABLED_PROPERTY = "dicomstage.tenants.enabled";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern NOT_PLAIN = Pattern.compile("[^A-Za-z0-9_.-]");
    private static final int MAX_IDENTIFIER = 64;

    private final boolean enabled;

    public StudyTenants(Environment environment) {
        this.enabled = environment.getProperty(ENABLED_PROPERTY, Boolean.class, true);
    }

    /** Whether processes run in their study's tenant; false: everything in {@link #DEFAULT_TENANT}. */
    public boolean enabled() {
        return enabled;
    }

    /** The tenant to deploy to and to start a process of this study in. */
    public String tenantOf(String studyIdentifier) {
        return enabled ? tenantId(studyIdentifier) : DEFAULT_TENANT;
    }

    /** The study's tenant id, as the class comment describes. */
    public static String tenantId(String studyIdentifier) {
        if (studyIdentifier == null || studyIdentifier.isEmpty() || studyIdentifier.length() > MAX_IDENTIFIER) {
            throw new IllegalArgumentException("A study identifier has 1 to " + MAX_IDENTIFIER + " characters: '"
                    + studyIdentifier + "'");
        }
        if (PLAIN.matcher(studyIdentifier).matches()) {
            return studyIdentifier;
        }
        return NOT_PLAIN.matcher(studyIdentifier).replaceAll("_") + "@" + digest(studyIdentifier);
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
