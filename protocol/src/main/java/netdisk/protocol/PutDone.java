package netdisk.protocol;

/**
 * Server → client: the uploaded file is stored, flushed to disk and visible under its name.
 *
 * <pre>
 * +-----------------+
 * | size (u64)      |
 * +-----------------+
 * </pre>
 *
 * @param size the stored file's size in bytes
 */
public record PutDone(long size) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public PutDone {
        Wire.checkSize(size, "size");
    }
}
