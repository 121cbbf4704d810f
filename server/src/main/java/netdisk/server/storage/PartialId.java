package netdisk.server.storage;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The name of a kept partial upload: 128 random bits as 32 lower-case hex digits. Its file is
 * {@code DATA/blobs/partial/<id>.part}; nothing a client sends ever goes into that name. 32 digits, not 64, so that a
 * partial can never be taken for a blob.
 */
public record PartialId(String value) {

    private static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public PartialId {
        Objects.requireNonNull(value, "value");
        if (!isPartialId(value)) {
            throw new IllegalArgumentException("not a partial upload id (32 lower-case hex digits): " + value);
        }
    }

    /** A new id, from {@link SecureRandom}. */
    public static PartialId random() {
        byte[] bytes = new byte[LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return new PartialId(HexFormat.of().formatHex(bytes));
    }

    /** Whether {@code text} is 32 lower-case hex digits. */
    public static boolean isPartialId(String text) {
        if (text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
