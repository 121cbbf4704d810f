package netdisk.server.storage;

import java.util.Objects;

/**
 * One name in a user's tree: a file or directory name, never a path.
 *
 * <p>Rules: valid Unicode (encodable as UTF-8), 1 to {@value #MAX_BYTES} bytes in UTF-8, no {@code /}, no NUL, and
 * not {@code .} or {@code ..}. Nothing else is changed or refused: no Unicode normalisation and no case folding, so a
 * name comes back exactly as the client sent it ({@code "报告.txt"} stays those code points). Names are only ever
 * compared with names in the metadata tree; they never become operating-system paths.
 */
public record Name(String value) implements Comparable<Name> {

    /** The longest name in UTF-8 bytes, as on most file systems. */
    public static final int MAX_BYTES = 255;

    public Name {
        Objects.requireNonNull(value, "value");
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("invalid name: " + problem);
        }
    }

    public static Name of(String value) {
        return new Name(value);
    }

    /** Whether {@code value} would make a valid name. */
    public static boolean isValid(String value) {
        return value != null && problem(value) == null;
    }

    @Override
    public int compareTo(Name other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String problem(String value) {
        if (value.isEmpty()) {
            return "empty";
        }
        if (value.equals(".") || value.equals("..")) {
            return "'" + value + "' is reserved";
        }
        if (value.indexOf('/') >= 0) {
            return "contains '/'";
        }
        if (value.indexOf('\0') >= 0) {
            return "contains NUL";
        }
        int bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                return "not valid Unicode (unpaired surrogate)";
            }
        }
        if (bytes > MAX_BYTES) {
            return bytes + " bytes in UTF-8, more than " + MAX_BYTES;
        }
        return null;
    }
}
