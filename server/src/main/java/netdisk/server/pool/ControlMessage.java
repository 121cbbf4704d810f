package netdisk.server.pool;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the master and a worker process say to each other over the worker's control socket (a socketpair end that
 * is the worker's fd 0). Every message is exactly {@value #LENGTH} bytes, big-endian:
 *
 * <pre>
 *  0      1        2              4                8                        16                              32
 *  +------+--------+--------------+----------------+------------------------+-------------------------------+
 *  | type | family | remote port  | reserved (0)   | value (u64)            | remote address (16 bytes)     |
 *  +------+--------+--------------+----------------+------------------------+-------------------------------+
 * </pre>
 *
 * <ul>
 *   <li>{@code 1 HAND_OFF} master→worker, value = connection id; the client socket travels beside it as
 *       {@code SCM_RIGHTS}; family 4 or 6 is the listener's; the address is IPv4 in the first 4 bytes or IPv6.</li>
 *   <li>{@code 2 STOP} master→worker, value = drain timeout in milliseconds.</li>
 *   <li>{@code 3 READY} worker→master, value = the worker's pid.</li>
 *   <li>{@code 4 SESSION_ENDED} worker→master, value = connection id.</li>
 *   <li>{@code 5 HEARTBEAT} master→worker, value = a sequence number; {@code 6 HEARTBEAT_REPLY} worker→master echoes
 *       it. A worker that stops answering (hung, stopped, in a GC death spiral) is killed and replaced.</li>
 * </ul>
 * A fixed size keeps the stream trivially in step and lets each {@code SCM_RIGHTS} fd belong to one message.
 */
public sealed interface ControlMessage {

    /** The size of every encoded control message. */
    int LENGTH = 32;

    /** Master → worker: serve this connection (its fd travels with the message). */
    record HandOff(long connectionId, ProtocolFamily family, InetSocketAddress remote) implements ControlMessage {
        public HandOff {
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(remote, "remote");
        }
    }

    /** Master → worker: finish in-flight work within the drain timeout, then exit. */
    record Stop(long drainMillis) implements ControlMessage {
    }

    /** Worker → master: started and able to take connections. */
    record Ready(long pid) implements ControlMessage {
    }

    /** Worker → master: a session ended and its slot is free. */
    record SessionEnded(long connectionId) implements ControlMessage {
    }

    /** Master → worker: are you there? */
    record Heartbeat(long sequence) implements ControlMessage {
    }

    /** Worker → master: yes (answered by the worker's control thread). */
    record HeartbeatReply(long sequence) implements ControlMessage {
    }

    /** Encodes {@code message} into its fixed {@value #LENGTH}-byte form. */
    static byte[] encode(ControlMessage message) {
        ByteBuffer out = ByteBuffer.allocate(LENGTH);
        switch (message) {
            case HandOff h -> {
                byte[] address = h.remote().getAddress().getAddress();
                out.put((byte) 1).put((byte) (h.family() == StandardProtocolFamily.INET6 ? 6 : 4))
                        .putShort((short) h.remote().getPort()).putInt(0).putLong(h.connectionId()).put(address);
            }
            case Stop s -> out.put((byte) 2).put((byte) 0).putShort((short) 0).putInt(0).putLong(s.drainMillis());
            case Ready r -> out.put((byte) 3).put((byte) 0).putShort((short) 0).putInt(0).putLong(r.pid());
            case SessionEnded e -> out.put((byte) 4).put((byte) 0).putShort((short) 0).putInt(0)
                    .putLong(e.connectionId());
            case Heartbeat h -> out.put((byte) 5).put((byte) 0).putShort((short) 0).putInt(0).putLong(h.sequence());
            case HeartbeatReply r -> out.put((byte) 6).put((byte) 0).putShort((short) 0).putInt(0)
                    .putLong(r.sequence());
        }
        return out.array();
    }

    /**
     * Decodes one {@value #LENGTH}-byte message.
     *
     * @throws IllegalArgumentException for a wrong length or an unknown type (a bug on the other side: the link is
     *     then treated as broken)
     */
    static ControlMessage decode(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("control message of " + bytes.length + " bytes, expected " + LENGTH);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int type = in.get();
        int family = in.get();
        int port = Short.toUnsignedInt(in.getShort());
        in.getInt();
        long value = in.getLong();
        return switch (type) {
            case 1 -> new HandOff(value, family == 6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET,
                    new InetSocketAddress(address(Arrays.copyOfRange(bytes, 16, family == 6 ? 32 : 20)), port));
            case 2 -> new Stop(value);
            case 3 -> new Ready(value);
            case 4 -> new SessionEnded(value);
            case 5 -> new Heartbeat(value);
            case 6 -> new HeartbeatReply(value);
            default -> throw new IllegalArgumentException("unknown control message type " + type);
        };
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + raw.length, e);
        }
    }
}
