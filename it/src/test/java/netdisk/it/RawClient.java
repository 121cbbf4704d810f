package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Message;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;

/**
 * A client speaking the protocol frame by frame, with the minor version of its choice in its Hello: to do what the
 * client library never would (stop an upload at a chosen byte, answer out of turn, be an older client).
 */
final class RawClient implements AutoCloseable {

    private final SocketChannel channel;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Welcome welcome;

    private RawClient(SocketChannel channel, int minor) throws IOException {
        this.channel = channel;
        this.reader = new FrameReader(channel);
        this.writer = new FrameWriter(channel);
        send(new Hello(ProtocolVersion.MAJOR, minor, "raw-test-client/1." + minor));
        Message welcome = answer();
        assertThat(welcome).isInstanceOf(Welcome.class);
        this.welcome = (Welcome) welcome;
    }

    /** Connected to {@code server} and welcomed as this version's client, not logged in. */
    static RawClient connect(ServerProcess server) throws IOException {
        return connect(server, ProtocolVersion.MINOR);
    }

    private static RawClient connect(ServerProcess server, int minor) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        try {
            return new RawClient(channel, minor);
        } catch (IOException | RuntimeException | AssertionError e) {
            channel.close();
            throw e;
        }
    }

    /** Connected to {@code server}, said Hello as protocol 1.{@code minor}, logged in as {@code user}. */
    static RawClient login(ServerProcess server, String user, int minor) throws IOException {
        RawClient raw = connect(server, minor);
        try {
            raw.send(new Login(user, Login.PASSWORD, TestUsers.PASSWORD));
            assertThat(raw.answer()).isInstanceOf(LoginOk.class);
            return raw;
        } catch (IOException | RuntimeException | AssertionError e) {
            raw.close();
            throw e;
        }
    }

    /** Connected to {@code server} as this version's client, logged in as {@code user}. */
    static RawClient login(ServerProcess server, String user) throws IOException {
        return login(server, user, ProtocolVersion.MINOR);
    }

    SocketChannel channel() {
        return channel;
    }

    Welcome welcome() {
        return welcome;
    }

    /** Sends {@code message} as request 1. */
    void send(Message message) throws IOException {
        send(1, message);
    }

    void send(int requestId, Message message) throws IOException {
        writer.write(new Frame(requestId, message));
    }

    /** The next frame's message; fails the test if the server closed the connection instead. */
    Message answer() throws IOException {
        Frame frame = reader.read();
        assertThat(frame).as("an answer before the server closed the connection").isNotNull();
        return frame.message();
    }

    /** The next frame, or null when the server closed the connection. */
    Frame frameOrEnd() throws IOException {
        return reader.read();
    }

    /** The {@code length} raw bytes that follow a download's FileInfo: what the reader holds of them, then the rest. */
    byte[] received(int length) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(length);
        reader.readBuffered(content);
        while (content.hasRemaining()) {
            if (channel.read(content) < 0) {
                throw new java.io.EOFException("the server closed the connection in the middle of a download");
            }
        }
        return content.array();
    }

    /** Bytes {@code from} to {@code to - 1} of {@code file}, raw, as upload content. */
    void content(Path file, long from, long to) throws IOException {
        try (var in = FileChannel.open(file)) {
            for (long position = from; position < to; ) {
                position += in.transferTo(position, to - position, channel);
            }
        }
    }

    /** {@code length} bytes of {@code fill}, raw, as upload content. */
    void content(byte fill, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (long left = length; left > 0; ) {
            buffer.clear();
            while (buffer.hasRemaining()) {
                buffer.put(fill);
            }
            buffer.flip().limit((int) Math.min(buffer.capacity(), left));
            while (buffer.hasRemaining()) {
                left -= channel.write(buffer);
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
