package netdisk.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Hello;
import netdisk.protocol.Message;
import netdisk.protocol.NetdiskVersion;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.ProtocolException;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;

/**
 * A session with a netdisk server: {@link #connect} opens the connection and does the versioned handshake; then one
 * request at a time. Every failure is an {@link IOException} with a message fit for a user; an answer of the server's
 * that refuses (busy, shutting down, version) is a {@link ServerRefusedException}.
 */
public final class NetdiskClient implements AutoCloseable {

    private final SocketChannel channel;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Welcome welcome;
    private final InetSocketAddress server;
    private int nextRequestId = 1;

    private NetdiskClient(SocketChannel channel, FrameReader reader, FrameWriter writer, Welcome welcome,
            InetSocketAddress server) {
        this.channel = channel;
        this.reader = reader;
        this.writer = writer;
        this.welcome = welcome;
        this.server = server;
    }

    /**
     * Connects to {@code host:port} and says Hello.
     *
     * @throws ServerRefusedException if the server answers with an error (busy, incompatible version...)
     * @throws IOException if the server cannot be reached or does not speak netdisk
     */
    public static NetdiskClient connect(String host, int port, Duration timeout) throws IOException {
        Objects.requireNonNull(host, "host");
        var address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ServerUnreachableException("unknown host " + host, null);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            try {
                channel.socket().connect(address, Math.toIntExact(timeout.toMillis()));
            } catch (IOException e) {
                throw new ServerUnreachableException("cannot connect to " + host + ":" + port + ": "
                        + e.getMessage() + " (is the server running?)", e);
            }
            var reader = new FrameReader(channel);
            var writer = new FrameWriter(channel);
            writer.write(new Frame(0, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR,
                    "netdisk-client/" + NetdiskVersion.VALUE)));
            Message answer;
            try {
                answer = readAnswer(reader, "the handshake");
            } catch (ProtocolException e) {
                throw new IncompatibleServerException(host + ":" + port + " does not speak netdisk: "
                        + e.getMessage(), e);
            }
            if (!(answer instanceof Welcome welcome)) {
                throw new IncompatibleServerException("not a netdisk server: it answered Hello with " + answer);
            }
            if (!ProtocolVersion.compatible(welcome.major())) {
                throw new IncompatibleServerException("server speaks protocol " + welcome.major() + "."
                        + welcome.minor() + ", this client " + ProtocolVersion.MAJOR + "." + ProtocolVersion.MINOR);
            }
            return new NetdiskClient(channel, reader, writer, welcome, address);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** What the server said in its Welcome: its version, and which worker serves this session. */
    public Welcome welcome() {
        return welcome;
    }

    public InetSocketAddress server() {
        return server;
    }

    /** One request/answer round trip; returns its duration in nanoseconds. */
    public long ping() throws IOException {
        long token = System.nanoTime();
        Message answer = request(new Ping(token));
        if (!(answer instanceof Pong pong) || pong.token() != token) {
            throw new IOException("unexpected answer to Ping: " + answer);
        }
        return System.nanoTime() - token;
    }

    private Message request(Message message) throws IOException {
        int id = nextRequestId++;
        writer.write(new Frame(id, message));
        return readAnswer(reader, "a request");
    }

    private static Message readAnswer(FrameReader reader, String during) throws IOException {
        Frame frame;
        try {
            frame = reader.read();
        } catch (EOFException e) {
            throw new IOException("the server closed the connection in the middle of " + during, e);
        }
        if (frame == null) {
            throw new IOException("the server closed the connection during " + during);
        }
        if (frame.message() instanceof ErrorReply error) {
            throw new ServerRefusedException(error);
        }
        return frame.message();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
