package netdisk.server.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing for accounts: Argon2id (RFC 9106) through Bouncy Castle, stored as a PHC string:
 *
 * <pre>
 * $argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;     (base64 without padding; m in KiB, t passes, p lanes)
 * </pre>
 *
 * <p>This is the format of the reference implementation, libsodium, PHP and Python's argon2-cffi, so hashes can be
 * moved in or out. {@link #verify} takes the parameters from the string rather than from this hasher, so raising the
 * cost later leaves existing hashes valid; it refuses strings whose parameters are out of {@link Parameters}' bounds,
 * so a corrupted or planted hash cannot make a login allocate gigabytes.
 *
 * <p>Passwords arrive as {@code char[]} and are never turned into a {@code String} here: their UTF-8 bytes live in an
 * array that is zeroed after use (Bouncy Castle's own {@code char[]} path would leave an unzeroed copy). No Unicode
 * normalisation is done: a password is the code points the user typed. Thread-safe; each call allocates its own
 * Argon2 memory ({@code m} KiB).
 */
public final class PasswordHasher {

    /** Salt of new hashes; RFC 9106 recommends 16 bytes. */
    static final int SALT_BYTES = 16;
    /** Hash of new hashes; RFC 9106 recommends 32 bytes. */
    static final int HASH_BYTES = 32;

    /** Salt and hash lengths accepted from a stored string: below 8 or 16 bytes a hash would be too weak to trust. */
    private static final int MIN_SALT_BYTES = 8;
    private static final int MIN_HASH_BYTES = 16;
    private static final int MAX_SALT_OR_HASH_BYTES = 64;

    /** Decimal without sign or leading zeros, at most 9 digits so it always fits an int. */
    private static final String NUMBER = "(0|[1-9][0-9]{0,8})";
    private static final String BASE64 = "([A-Za-z0-9+/]+)";
    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=" + NUMBER + ",t=" + NUMBER + ",p="
            + NUMBER + "\\$" + BASE64 + "\\$" + BASE64);

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    /**
     * The cost of Argon2id.
     *
     * @param memoryKib memory in KiB, from 8 per lane (Argon2's minimum) to {@value #MAX_MEMORY_KIB} (1 GiB)
     * @param iterations passes over the memory, 1 to {@value #MAX_ITERATIONS}
     * @param parallelism lanes, 1 to {@value #MAX_PARALLELISM}; Bouncy Castle computes them one after another, so
     *     more lanes only cost more time here
     */
    public record Parameters(int memoryKib, int iterations, int parallelism) {

        /** OWASP's first choice (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. */
        public static final Parameters OWASP = new Parameters(19 * 1024, 2, 1);

        static final int MAX_MEMORY_KIB = 1 << 20;
        static final int MAX_ITERATIONS = 16;
        static final int MAX_PARALLELISM = 16;

        public Parameters {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism " + parallelism + " not in 1.." + MAX_PARALLELISM);
            }
            if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memory " + memoryKib + " KiB not in " + 8 * parallelism + ".."
                        + MAX_MEMORY_KIB);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations " + iterations + " not in 1.." + MAX_ITERATIONS);
            }
        }
    }

    private final Parameters parameters;
    private final SecureRandom random = new SecureRandom();
    /** What {@link #burn} verifies against: the current parameters, so it costs what a real verify costs. */
    private final String dummy;

    /** A hasher with {@link Parameters#OWASP}. */
    public PasswordHasher() {
        this(Parameters.OWASP);
    }

    /** A hasher whose new hashes use {@code parameters}; tests use small ones to stay fast. */
    public PasswordHasher(Parameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.dummy = new Encoded(parameters, new byte[SALT_BYTES], new byte[HASH_BYTES]).encode();
    }

    /**
     * A new hash of {@code password} with a fresh random salt. The array is left as it is; the caller clears it.
     *
     * @throws IllegalArgumentException the password is not valid Unicode (an unpaired surrogate)
     */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, parameters, HASH_BYTES)
                .orElseThrow(() -> new IllegalArgumentException("the password is not valid Unicode"));
        return new Encoded(parameters, salt, hash).encode();
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from, compared in constant time. False, never an
     * exception, for anything that is not an Argon2id v19 PHC string within the bounds of {@link Parameters}.
     */
    public boolean verify(String encoded, char[] password) {
        Objects.requireNonNull(password, "password");
        Optional<Encoded> stored = Encoded.parse(encoded);
        if (stored.isEmpty()) {
            return false;
        }
        Encoded e = stored.get();
        Optional<byte[]> actual = derive(password, e.salt(), e.parameters(), e.hash().length);
        return actual.isPresent() && MessageDigest.isEqual(actual.get(), e.hash());
    }

    /**
     * Does the work of a {@link #verify} and throws the result away. A login for an unknown user calls this, so that
     * it takes as long as one for a known user and the time does not tell whether the user exists.
     */
    public void burn(char[] password) {
        verify(dummy, password);
    }

    /** Argon2id of the password's UTF-8 bytes; empty if it has an unpaired surrogate. */
    private static Optional<byte[]> derive(char[] password, byte[] salt, Parameters parameters, int length) {
        byte[] bytes = utf8(password);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(parameters.memoryKib())
                    .withIterations(parameters.iterations())
                    .withParallelism(parameters.parallelism())
                    .withSalt(salt)
                    .build());
            byte[] hash = new byte[length];
            generator.generateBytes(bytes, hash);
            return Optional.of(hash);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The UTF-8 bytes of {@code password} in an exact-size array, or null; every intermediate array is zeroed. */
    private static byte[] utf8(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] buffer = new byte[password.length * 3]; // UTF-8 needs at most 3 bytes per UTF-16 unit
        try {
            ByteBuffer out = ByteBuffer.wrap(buffer);
            CoderResult result = encoder.encode(CharBuffer.wrap(password), out, true);
            if (result.isError() || encoder.flush(out).isError()) {
                return null;
            }
            return Arrays.copyOf(buffer, out.position());
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }

    /** The parts of a PHC string. */
    private record Encoded(Parameters parameters, byte[] salt, byte[] hash) {

        static Optional<Encoded> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            Matcher m = PHC.matcher(text);
            if (!m.matches()) {
                return Optional.empty();
            }
            try {
                Parameters parameters = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)));
                byte[] salt = canonicalBase64(m.group(4));
                byte[] hash = canonicalBase64(m.group(5));
                if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_OR_HASH_BYTES
                        || hash.length < MIN_HASH_BYTES || hash.length > MAX_SALT_OR_HASH_BYTES) {
                    return Optional.empty();
                }
                return Optional.of(new Encoded(parameters, salt, hash));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** Decodes base64 that has exactly one spelling: unused trailing bits must be zero, as the encoder writes. */
        private static byte[] canonicalBase64(String text) {
            byte[] bytes = Base64.getDecoder().decode(text);
            if (!ENCODER.encodeToString(bytes).equals(text)) {
                throw new IllegalArgumentException("not canonical base64");
            }
            return bytes;
        }

        String encode() {
            return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p="
                    + parameters.parallelism() + "$" + ENCODER.encodeToString(salt) + "$"
                    + ENCODER.encodeToString(hash);
        }
    }
}
