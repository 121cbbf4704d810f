package netdisk.protocol;

/**
 * Server → client: the request succeeded and has nothing to say but a number.
 *
 * <pre>
 * +-----------------+
 * | count (u64)     |
 * +-----------------+
 * </pre>
 *
 * @param count what the request counted: entries removed for {@link RemoveRequest}, tokens revoked for
 *              {@link Logout}
 */
public record Done(long count) implements Message {

    /**
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public Done {
        Wire.checkSize(count, "count");
    }
}
