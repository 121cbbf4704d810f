package netdisk.server.storage;

import java.io.IOException;

/**
 * The bytes written to a {@link BlobWriter} do not hash to what the caller expected (a corrupted or lying upload).
 * When this is thrown the temporary file is already gone: nothing of the upload remains.
 */
public final class BlobHashMismatchException extends IOException {

    private final String expected;
    private final String actual;

    public BlobHashMismatchException(String expected, String actual) {
        super("content hash mismatch: expected " + expected + ", got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
