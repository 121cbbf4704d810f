package netdisk.server.pool;

import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * An accepted client connection on its way to a worker.
 *
 * @param id the server-wide connection number, as the logs show it ({@code conn#17})
 * @param channel blocking and never registered with a selector (see {@code Master})
 * @param family the listener's address family, which the socket has too
 * @param remote the client's address, read once at accept time
 */
public record Connection(long id, SocketChannel channel, ProtocolFamily family, InetSocketAddress remote) {

    public Connection {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(remote, "remote");
    }

    /** How logs name it: {@code conn#17 127.0.0.1:50312}. */
    public String name() {
        return "conn#" + id + " " + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
