package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void hexOfGivesTheDigestAsItTravels() {
        // FIPS 180-2's examples
        assertThat(Sha256.hexOf("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.hexOf(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256.isHex(Sha256.hexOf(new byte[] {1, 2, 3}))).isTrue();
    }
}
