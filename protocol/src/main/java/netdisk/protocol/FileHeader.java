package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client: the answer to a {@link GetRequest}. Right after this frame come exactly {@code size - offset}
 * raw bytes of content (no framing), then the connection carries frames again.
 *
 * <pre>
 * +------------------------+-----------------+-----------------+
 * | name (string)          | size (u64)      | offset (u64)    |
 * +------------------------+-----------------+-----------------+
 * </pre>
 *
 * If the server cannot send all of it (the file became unreadable, the worker died), it closes the connection: a
 * client that sees end of stream before {@code size - offset} bytes knows the transfer ended early.
 *
 * @param name   the file's base name
 * @param size   the file's whole size in bytes
 * @param offset the first byte that follows; {@code 0 <= offset <= size}
 */
public record FileHeader(String name, long size, long offset) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative or {@code offset} is not within {@code 0..size}
     */
    public FileHeader {
        Objects.requireNonNull(name, "name");
        Wire.checkSize(size, "size");
        Wire.checkSize(offset, "offset");
        if (offset > size) {
            throw new IllegalArgumentException("offset " + offset + " is past the size " + size);
        }
    }

    /** How many content bytes follow the header. */
    public long remaining() {
        return size - offset;
    }
}
