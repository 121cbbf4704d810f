package netdisk.protocol;

/**
 * Server → client: send the content of the {@link PutRequest} now, from byte {@code offset} on: exactly
 * {@code size - offset} raw bytes, no framing.
 *
 * <pre>
 * +-----------------+
 * | offset (u64)    |
 * +-----------------+
 * </pre>
 *
 * The server answers the content with {@link PutDone} once the file is complete, durable and visible under its name,
 * or with an {@link ErrorReply} (for example no space left). An {@link ErrorReply} can come while the client is still
 * sending: the server then discards the rest, and the client should stop sending and close the connection.
 *
 * @param offset the first byte the server wants (0: the whole file)
 */
public record PutReady(long offset) implements Message {

    /**
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public PutReady {
        Wire.checkSize(offset, "offset");
    }
}
