package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client: the answer to a {@link GetFile}; exactly {@code size - offset} raw bytes of content follow. The
 * client hashes the whole content (its own prefix included when {@code offset > 0}) and compares it with
 * {@code sha256}: a mismatch means the download is not the file, and must not be kept. An early end is signalled as
 * for {@link FileHeader}.
 *
 * <pre>
 * +----------------------+-------------+---------------+------------------------+
 * | name (string)        | size (u64)  | offset (u64)  | sha256 (string)        |
 * +----------------------+-------------+---------------+------------------------+
 * </pre>
 *
 * @param name   the file's name
 * @param size   the whole file's size
 * @param offset the first byte that follows; {@code 0 <= offset <= size}
 * @param sha256 the whole file's SHA-256, lower-case hex
 */
public record FileInfo(String name, long size, long offset, String sha256) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative or {@code offset} is not within {@code 0..size}
     */
    public FileInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
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
