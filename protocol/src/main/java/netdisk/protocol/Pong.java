package netdisk.protocol;

import java.util.Objects;

/**
 * The answer to a {@link Ping}, echoing its token.
 *
 * <pre>
 * +----------------------------------+
 * | token (u64)                      |
 * +----------------------------------+
 * </pre>
 *
 * @param token the token of the {@link Ping} being answered
 */
public record Pong(long token) implements Message {

    /**
     * The answer to a ping.
     *
     * @param ping the ping to answer
     * @return a pong carrying the ping's token
     */
    public static Pong answering(Ping ping) {
        Objects.requireNonNull(ping, "ping");
        return new Pong(ping.token());
    }
}
