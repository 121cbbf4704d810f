package netdisk.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import netdisk.server.auth.PasswordHasher.Parameters;

class PasswordHasherTest {

    /** Small enough to keep the tests fast; verification reads the parameters from the string anyway. */
    private static final Parameters CHEAP = new Parameters(256, 1, 1);

    private final PasswordHasher hasher = new PasswordHasher(CHEAP);

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String encoded = hasher.hash("correct horse".toCharArray());

        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hasher.verify(encoded, "correct horse".toCharArray())).isTrue();
        for (String wrong : List.of("correct hors", "correct horse ", "Correct horse", "", "correct\0horse")) {
            assertThat(hasher.verify(encoded, wrong.toCharArray())).as(wrong).isFalse();
        }
    }

    @Test
    void theDefaultIsOwaspsArgon2idWithA16ByteSaltAnd32ByteHash() {
        String encoded = new PasswordHasher().hash("secret-password".toCharArray());

        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    }

    @Test
    void everyHashHasItsOwnSalt() {
        char[] password = "same password".toCharArray();

        List<String> hashes = List.of(hasher.hash(password), hasher.hash(password), hasher.hash(password));

        assertThat(hashes).doesNotHaveDuplicates();
        assertThat(hashes.stream().map(h -> h.split("\\$")[4])).doesNotHaveDuplicates();
        assertThat(hashes).allSatisfy(h -> assertThat(hasher.verify(h, password)).isTrue());
    }

    @Test
    void theCallersArrayIsLeftAsItWas() {
        char[] password = "leave me alone".toCharArray();

        hasher.verify(hasher.hash(password), password);
        hasher.burn(password);

        assertThat(password).isEqualTo("leave me alone".toCharArray());
    }

    @Test
    void verifyReadsTheParametersFromTheString() {
        String cheap = hasher.hash("pw".toCharArray());
        String dearer = new PasswordHasher(new Parameters(512, 2, 2)).hash("pw".toCharArray());

        assertThat(new PasswordHasher().verify(cheap, "pw".toCharArray())).isTrue();
        assertThat(hasher.verify(dearer, "pw".toCharArray())).isTrue();
        assertThat(dearer).startsWith("$argon2id$v=19$m=512,t=2,p=2$");
    }

    @Test
    void passwordsAreHashedAsTheirUtf8Bytes() {
        String password = "密码 pässwörd 🔑";
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = argon2id(password.getBytes(StandardCharsets.UTF_8), salt, null, null, 256, 1, 1, 32);
        String encoded = "$argon2id$v=19$m=256,t=1,p=1$" + b64(salt) + "$" + b64(expected);

        assertThat(hasher.verify(encoded, password.toCharArray())).isTrue();
        assertThat(hasher.verify(hasher.hash(password.toCharArray()), password.toCharArray())).isTrue();
    }

    @Test
    void aPasswordThatIsNotUnicodeCannotBeHashedAndNeverVerifies() {
        char[] unpaired = {'a', '\uD800', 'b'};

        assertThatThrownBy(() -> hasher.hash(unpaired)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("a\uD800b");
        assertThat(hasher.verify(hasher.hash("a?b".toCharArray()), unpaired)).isFalse();
        hasher.burn(unpaired);
    }

    /** The reference implementation's test vector (phc-winner-argon2 src/test.c), through the PHC parsing path. */
    @Test
    void verifiesTheReferenceImplementationsHashOfPassword() {
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

        assertThat(hasher.verify(reference, "password".toCharArray())).isTrue();
        assertThat(hasher.verify(reference, "passwore".toCharArray())).isFalse();
    }

    /**
     * RFC 9106 section 5.3. Its secret and associated data have no place in a PHC string, so this checks the generator
     * configured the way {@link PasswordHasher} configures it (Argon2id, version 0x13, memory in KiB).
     */
    @Test
    void theGeneratorReproducesTheRfc9106Argon2idVector() {
        byte[] tag = argon2id(filled(32, 0x01), filled(16, 0x02), filled(8, 0x03), filled(12, 0x04), 32, 3, 4, 32);

        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void foreignMalformedAndTamperedStringsAreFalseNotErrors() {
        String good = hasher.hash("pw".toCharArray());
        String[] parts = good.split("\\$"); // "", "argon2id", "v=19", "m=256,t=1,p=1", salt, hash
        String salt = parts[4];
        String hash = parts[5];
        String tail = "$" + salt + "$" + hash;
        List<String> bad = Arrays.asList(
                null, "", "pw", "$", good + "$", good + "=", good + " ", " " + good, good.toUpperCase(),
                "$argon2i$v=19$m=256,t=1,p=1" + tail,
                "$argon2d$v=19$m=256,t=1,p=1" + tail,
                "$argon2id$m=256,t=1,p=1" + tail,
                "$argon2id$v=16$m=256,t=1,p=1" + tail,
                "$argon2id$v=19$m=257,t=1,p=1" + tail,
                "$argon2id$v=19$m=256,t=2,p=1" + tail,
                "$argon2id$v=19$m=256,t=1,p=2" + tail,
                "$argon2id$v=19$t=1,m=256,p=1" + tail,
                "$argon2id$v=19$m=0256,t=1,p=1" + tail,
                "$argon2id$v=19$m=+256,t=1,p=1" + tail,
                "$argon2id$v=19$m=-256,t=1,p=1" + tail,
                "$argon2id$v=19$m=256,t=1,p=1,keyid=x" + tail,
                "$argon2id$v=19$m=256,t=1,p=1$" + salt,
                "$argon2id$v=19$m=256,t=1,p=1$" + salt + "==$" + hash,
                "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + hash.substring(1),
                "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + hash.substring(0, 42) + flip(hash.charAt(42)),
                "$argon2id$v=19$m=256,t=1,p=1$" + flip(salt.charAt(0)) + salt.substring(1) + "$" + hash,
                "$argon2id$v=19$m=256,t=1,p=1$" + salt.replace('/', '_').replace('+', '-') + "x$" + hash,
                "$argon2id$v=19$m=256,t=1,p=1$c2FsdA$" + hash,                         // 4-byte salt
                "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + b64(new byte[8]),       // 8-byte hash
                "$argon2id$v=19$m=256,t=1,p=1$" + salt + "$" + b64(new byte[65]));
        for (String encoded : bad) {
            assertThat(hasher.verify(encoded, "pw".toCharArray())).as(String.valueOf(encoded)).isFalse();
        }
        assertThat(hasher.verify(good, "pw".toCharArray())).isTrue();
    }

    /** Parameters that would make a single verify allocate or spin without bound are refused before any work. */
    @Test
    void absurdParametersInAStringAreRefused() {
        String tail = "$" + b64(new byte[16]) + "$" + b64(new byte[32]);
        for (String parameters : List.of("m=2000000,t=1,p=1", "m=999999999,t=1,p=1", "m=256,t=1000,p=1",
                "m=256,t=1,p=255", "m=256,t=0,p=1", "m=256,t=1,p=0", "m=7,t=1,p=1", "m=64,t=1,p=16",
                "m=99999999999,t=1,p=1")) {
            assertThat(hasher.verify("$argon2id$v=19$" + parameters + tail, "pw".toCharArray()))
                    .as(parameters).isFalse();
        }
        assertThatThrownBy(() -> new Parameters(2 << 20, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Parameters(256, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Parameters(8, 1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Seeded: any one-character change of a valid string is either unparseable or a different hash. */
    @Test
    void randomSingleCharacterChangesNeverVerifyAndNeverThrow() {
        String good = hasher.hash("pw".toCharArray());
        String alphabet = "$=,+/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\0é";
        Random random = new Random(20_260_105L);
        for (int i = 0; i < 300; i++) {
            int at = random.nextInt(good.length());
            char replacement = alphabet.charAt(random.nextInt(alphabet.length()));
            if (replacement == good.charAt(at)) {
                continue;
            }
            String changed = good.substring(0, at) + replacement + good.substring(at + 1);
            assertThat(hasher.verify(changed, "pw".toCharArray())).as(changed).isFalse();
        }
    }

    @Test
    void burnAcceptsAnyPassword() {
        hasher.burn(new char[0]);
        hasher.burn("some password".toCharArray());
        hasher.burn("x".repeat(10_000).toCharArray());
    }

    private static byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] additional, int memoryKib,
                                   int iterations, int lanes, int length) {
        Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(lanes)
                .withSalt(salt);
        if (secret != null) {
            builder.withSecret(secret).withAdditional(additional);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(builder.build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Another base64 digit. */
    private static char flip(char c) {
        return c == 'A' ? 'B' : 'A';
    }
}
