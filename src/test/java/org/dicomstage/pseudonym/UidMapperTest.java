package org.dicomstage.pseudonym;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class UidMapperTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String SOURCE = "1.2.840.113619.2.55.3.604688119.868.1249305970.123";

    @Test
    void mapsToTwoDotTwentyFiveOfTheFirst128BitsOfTheHmac() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] digest = mac.doFinal(SOURCE.getBytes(StandardCharsets.US_ASCII));
        String expected = "2.25." + new BigInteger(1, Arrays.copyOf(digest, 16)).toString();

        assertThat(new UidMapper(SECRET).map(SOURCE)).isEqualTo(expected);
    }

    @Test
    void isDeterministicAcrossInstancesAndIgnoresPadding() {
        String first = new UidMapper(SECRET).map(SOURCE);
        assertThat(new UidMapper(SECRET.clone()).map(SOURCE)).isEqualTo(first);
        assertThat(new UidMapper(SECRET).map(SOURCE + "\0")).isEqualTo(first);
        assertThat(first).matches("2\\.25\\.[1-9][0-9]*").hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void differentSecretsGiveUnrelatedUids() {
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        assertThat(new UidMapper(other).map(SOURCE)).isNotEqualTo(new UidMapper(SECRET).map(SOURCE));
        assertThat(new UidMapper(SECRET).map(SOURCE + "4")).isNotEqualTo(new UidMapper(SECRET).map(SOURCE));
    }

    @Test
    void knowsStandardUidsByExactValueNotByPrefix() {
        assertThat(UidMapper.isStandardUid("1.2.840.10008.5.1.4.1.1.2")).isTrue(); // CT Image Storage
        assertThat(UidMapper.isStandardUid("1.2.840.10008.1.2.4.50")).isTrue(); // JPEG Baseline
        assertThat(UidMapper.isStandardUid("1.2.840.10008.5.1.4.1.1.481.3 ")).isTrue();
        // The fixture RTSTRUCT's instance UID sits under the standard's root but is not a standard UID.
        assertThat(UidMapper.isStandardUid("1.2.840.10008.5.1.4.1.1.481.3.1535997926")).isFalse();
    }
}
