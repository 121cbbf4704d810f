package netdisk.protocol;

/**
 * Range checks for fields whose Java type is wider than their wire type, so that a value which
 * cannot be encoded is refused when the message is built rather than silently truncated.
 */
final class Wire {

    /** The largest value of an unsigned 16-bit field. */
    static final int U16_MAX = 0xFFFF;

    private Wire() {
    }

    static void checkU8(int value, String name) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(name + " must fit in an unsigned 8-bit field: " + value);
        }
    }

    static void checkU16(int value, String name) {
        if (value < 0 || value > U16_MAX) {
            throw new IllegalArgumentException(name + " must fit in an unsigned 16-bit field: " + value);
        }
    }

    /** Sizes and offsets are u64 on the wire, but at most 2^63 - 1: a Java {@code long} that is not negative. */
    static void checkSize(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be 0..2^63-1, got " + Long.toUnsignedString(value));
        }
    }
}
