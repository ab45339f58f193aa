package org.dicomstage.pseudonym;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keyed, deterministic UID mapping: {@code "2.25." + decimal(first 128 bits of HMAC-SHA256(secret, uid))}.
 * The same source UID maps to the same UID on every machine, run and worker holding the study's secret,
 * so series staged at different times keep their references; without the secret, a mapped UID cannot be
 * linked back to its source (unlike an unkeyed hash). Thread-safe.
 */
public final class UidMapper {

    private static final String HMAC = "HmacSHA256";
    private static final Set<String> WELL_KNOWN = wellKnownUids();

    /** Enough for the UIDs that recur across a series (study, series, frame of reference, references). */
    private static final int RECENT_LIMIT = 4096;

    private final SecretKeySpec key;
    /**
     * Every instance of a series repeats its study's, series' and frame of reference's UIDs (and its own, in the
     * meta information): remembered, each costs one HMAC per series instead of one per file.
     */
    private final Map<String, String> recent = new ConcurrentHashMap<>();

    public UidMapper(byte[] studySecret) {
        Objects.requireNonNull(studySecret, "studySecret");
        if (studySecret.length == 0) {
            throw new IllegalArgumentException("study secret must not be empty");
        }
        this.key = new SecretKeySpec(studySecret.clone(), HMAC);
    }

    /** Maps one UID; trailing NUL/space padding is not part of the UID. Empty stays empty. */
    public String map(String sourceUid) {
        String uid = stripPadding(Objects.requireNonNull(sourceUid, "sourceUid"));
        if (uid.isEmpty()) {
            return uid;
        }
        String mapped = recent.get(uid);
        if (mapped == null) {
            byte[] digest = hmac(uid.getBytes(StandardCharsets.US_ASCII));
            mapped = "2.25." + new BigInteger(1, Arrays.copyOf(digest, 16));
            if (recent.size() >= RECENT_LIMIT) {
                recent.clear(); // instance UIDs are seen once or twice; a clean slate is as good as eviction
            }
            recent.put(uid, mapped);
        }
        return mapped;
    }

    byte[] hmac(byte[] message) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /**
     * True for UIDs the DICOM standard itself defines (SOP classes, transfer syntaxes, ...) as known to
     * PixelMed's dictionary: exact membership only, never by prefix, since instance UIDs are sometimes
     * (wrongly) minted under the standard's own root.
     */
    public static boolean isStandardUid(String uid) {
        return uid != null && WELL_KNOWN.contains(stripPadding(uid));
    }

    static String stripPadding(String uid) {
        int end = uid.length();
        while (end > 0 && (uid.charAt(end - 1) == '\0' || uid.charAt(end - 1) == ' ')) {
            end--;
        }
        int start = 0;
        while (start < end && uid.charAt(start) == ' ') {
            start++;
        }
        return uid.substring(start, end);
    }

    private static Set<String> wellKnownUids() {
        Set<String> uids = new HashSet<>();
        for (Class<?> holder : new Class<?>[] {SOPClass.class, TransferSyntax.class}) {
            for (Field field : holder.getFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) && field.getType() == String.class) {
                    try {
                        String value = (String) field.get(null);
                        if (value != null && value.startsWith("1.2.840.10008.")) {
                            uids.add(value);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + field, e);
                    }
                }
            }
        }
        // Not SOP classes or transfer syntaxes, but fixed by the standard and seen in datasets.
        uids.addAll(Set.of(
                "1.2.840.10008.3.1.1.1", // DICOM Application Context Name
                "1.2.840.10008.2.16.4", // DCM coding scheme
                "1.2.840.10008.2.6.1", // DICOM UID Registry
                "1.2.840.10008.8.1.1", // DICOM Content Mapping Resource
                "1.2.840.10008.1.1")); // Verification SOP Class
        return Set.copyOf(uids);
    }
}
