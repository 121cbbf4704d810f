package netdisk.protocol;

/**
 * Asks the peer to prove that it is alive and that the connection still carries frames both ways.
 *
 * <p>The token is opaque to the receiver, which echoes it in a {@link Pong}; the sender may use it
 * to match answers or to carry a send timestamp for measuring round-trip time.
 *
 * <pre>
 * +----------------------------------+
 * | token (u64)                      |
 * +----------------------------------+
 * </pre>
 *
 * @param token any value; echoed unchanged
 */
public record Ping(long token) implements Message {
}
