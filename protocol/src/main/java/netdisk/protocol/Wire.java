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

    static void checkU16(int value, String name) {
        if (value < 0 || value > U16_MAX) {
            throw new IllegalArgumentException(name + " must fit in an unsigned 16-bit field: " + value);
        }
    }
}
