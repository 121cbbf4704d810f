package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client (1.3): the answer to {@link GetFrom}; exactly {@code size - offset} raw bytes of content follow, as
 * after {@link FileInfo}.
 *
 * <pre>
 * +----------------+------------+--------------+-----------------+------------------------+
 * | name (string)  | size (u64) | offset (u64) | sha256 (string) | prefixSha256 (string)  |
 * +----------------+------------+--------------+-----------------+------------------------+
 * </pre>
 *
 * {@code offset} is the one asked for when the server's first {@code offset} bytes hash to the client's prefix hash,
 * else 0 (the client must then start over: its part is not a prefix of this file). {@code prefixSha256} is the
 * server's own hash of bytes {@code 0..offset-1} (empty for offset 0), which the client compares with its own before
 * it appends anything.
 *
 * @param name         the file's name
 * @param size         the whole file's size
 * @param offset       the first byte that follows; {@code 0 <= offset <= size}
 * @param sha256       the whole file's SHA-256
 * @param prefixSha256 the SHA-256 of the first {@code offset} bytes; empty when {@code offset} is 0
 */
public record FilePart(String name, long size, long offset, String sha256, String prefixSha256) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative or {@code offset} is not within {@code 0..size}
     */
    public FilePart {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(prefixSha256, "prefixSha256");
        Wire.checkSize(size, "size");
        Wire.checkSize(offset, "offset");
        if (offset > size) {
            throw new IllegalArgumentException("offset " + offset + " is past the size " + size);
        }
    }

    /** How many content bytes follow. */
    public long remaining() {
        return size - offset;
    }
}
