package netdisk.protocol;

import java.util.Objects;

/**
 * One entry of a user's tree as it travels in {@link Listing} and {@link EntryReply}: not a message by itself.
 *
 * <pre>
 * +----------------+-----------+-------------+-----------------+---------------------+
 * | name (string)  | kind (u8) | size (u64)  | modified (u64)  | sha256 (string)     |
 * +----------------+-----------+-------------+-----------------+---------------------+
 * </pre>
 *
 * @param name     the entry's name; the empty string for the root directory
 * @param kind     {@link #DIRECTORY} or {@link #FILE}; another value makes the frame malformed
 * @param size     the file's size in bytes; 0 for a directory
 * @param modified when the entry last changed, in milliseconds since 1970-01-01 UTC
 * @param sha256   the file's content hash, 64 lowercase hex digits; empty for a directory
 */
public record Entry(String name, int kind, long size, long modified, String sha256) {

    /** {@link #kind()} of a directory. */
    public static final int DIRECTORY = 1;

    /** {@link #kind()} of a file. */
    public static final int FILE = 2;

    /**
     * @throws IllegalArgumentException if {@code kind} is not a known kind, or {@code size} or {@code modified} is
     *                                  negative
     */
    public Entry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        if (kind != DIRECTORY && kind != FILE) {
            throw new IllegalArgumentException("unknown entry kind " + kind);
        }
        Wire.checkSize(size, "size");
        Wire.checkSize(modified, "modified");
    }

    public boolean isDirectory() {
        return kind == DIRECTORY;
    }
}
