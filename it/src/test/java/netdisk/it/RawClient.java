package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
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

import static org.assertj.core.api.Assertions.assertThat;

/** A client that speaks frames by hand, for what the real client never does (a wrong hash, a raw proof...). */
record RawClient(SocketChannel channel, FrameReader reader, FrameWriter writer) implements AutoCloseable {

    /** Connected and welcomed, not logged in. */
    static RawClient connect(ServerProcess server) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        var raw = new RawClient(channel, new FrameReader(channel), new FrameWriter(channel));
        raw.send(new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "raw-test-client"));
        assertThat(raw.answer()).isInstanceOf(Welcome.class);
        return raw;
    }

    /** Connected and logged in with the test password. */
    static RawClient login(ServerProcess server, String user) throws IOException {
        RawClient raw = connect(server);
        raw.send(new Login(user, Login.PASSWORD, TestUsers.PASSWORD));
        assertThat(raw.answer()).isInstanceOf(LoginOk.class);
        return raw;
    }

    void send(Message message) throws IOException {
        writer.write(new Frame(1, message));
    }

    Message answer() throws IOException {
        Frame frame = reader.read();
        assertThat(frame).as("an answer before the server closed the connection").isNotNull();
        return frame.message();
    }

    /** The file's bytes, raw, as the content of an upload. */
    void content(Path file) throws IOException {
        try (var in = FileChannel.open(file)) {
            for (long position = 0; position < in.size(); ) {
                position += in.transferTo(position, in.size() - position, channel);
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
