package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client: the file of a {@link PutFile} is stored, verified against its SHA-256, flushed and visible.
 *
 * <pre>
 * +-----------------+------------------------+--------------+
 * | size (u64)      | sha256 (string)        | instant (u8) |
 * +-----------------+------------------------+--------------+
 * </pre>
 *
 * @param size    the stored file's size in bytes
 * @param sha256  its SHA-256, as verified by the server
 * @param instant whether the content was already stored and was not sent (u8 1 or 0)
 */
public record PutStored(long size, String sha256, boolean instant) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public PutStored {
        Objects.requireNonNull(sha256, "sha256");
        Wire.checkSize(size, "size");
    }
}
