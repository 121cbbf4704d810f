package netdisk.client;

import java.io.IOException;

/**
 * A download arrived whole, but its bytes do not hash to the SHA-256 the server announced for the file: what came is
 * not the file (damaged on the way, or in the server's storage), and must not be kept as if it were. The session is
 * still in step and can go on.
 */
public final class IntegrityException extends IOException {

    private final String path;
    private final String expected;
    private final String actual;

    public IntegrityException(String path, String expected, String actual) {
        super(path + " did not match its SHA-256: the server announced " + expected + ", the bytes received hash to "
                + actual);
        this.path = path;
        this.expected = expected;
        this.actual = actual;
    }

    /** The remote file. */
    public String path() {
        return path;
    }

    /** The SHA-256 the server announced. */
    public String expected() {
        return expected;
    }

    /** The SHA-256 of what was received. */
    public String actual() {
        return actual;
    }
}
