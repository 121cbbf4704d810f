package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import netdisk.client.NetdiskClient;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Hello;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a session does with a client that is not a well-behaved netdisk client: every case gets a clear protocol
 * error, and the worker, its other sessions and the server carry on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionProtocolTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ServerProcess server;
    private NetdiskClient bystander;

    @BeforeAll
    void start(@TempDir Path data) throws IOException {
        server = ServerProcess.start(data, "process", "--workers", "1", "--handshake-timeout", "1");
        bystander = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);
    }

    @AfterAll
    void stop() throws IOException {
        bystander.ping(); // every test above left the other session on the same worker working
        bystander.close();
        assertThat(server.status().workers().getFirst().restarts()).as("the worker never died").isZero();
        server.close();
    }

    private Raw connect() throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        return new Raw(channel, new FrameReader(channel), new FrameWriter(channel));
    }

    private record Raw(SocketChannel channel, FrameReader reader, FrameWriter writer) implements AutoCloseable {
        Raw hello() throws IOException {
            writer.write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "test")));
            assertThat(reader.read().message()).isInstanceOf(Welcome.class);
            return this;
        }

        ErrorReply error() throws IOException {
            Frame frame = reader.read();
            assertThat(frame).isNotNull();
            assertThat(frame.message()).isInstanceOf(ErrorReply.class);
            return (ErrorReply) frame.message();
        }

        void raw(byte[] bytes) throws IOException {
            channel.write(ByteBuffer.wrap(bytes));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void anHttpClientGetsAProtocolErrorAndIsClosed() throws IOException {
        try (var socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            FrameReader reader = new FrameReader(Channels.newChannel(socket.getInputStream()));
            Frame answer = reader.read();
            assertThat(answer.message()).isInstanceOfSatisfying(ErrorReply.class,
                    e -> assertThat(e.errorCode()).contains(ErrorCode.PROTOCOL_ERROR));
            assertThat(reader.read()).isNull();
        }
    }

    @Test
    void aWrongFirstFrameIsRefused() throws IOException {
        try (var raw = connect()) {
            raw.writer().write(new Frame(3, new Ping(1)));
            assertThat(raw.error().errorCode()).contains(ErrorCode.PROTOCOL_ERROR);
            assertThat(raw.reader().read()).isNull();
        }
    }

    @Test
    void anIncompatibleVersionIsRefusedWithVersionMismatch() throws IOException {
        try (var raw = connect()) {
            raw.writer().write(new Frame(1, new Hello(ProtocolVersion.MAJOR + 1, 0, "future-client")));
            ErrorReply error = raw.error();
            assertThat(error.errorCode()).contains(ErrorCode.VERSION_MISMATCH);
            assertThat(error.message()).contains("server speaks protocol " + ProtocolVersion.MAJOR + "."
                    + ProtocolVersion.MINOR);
        }
    }

    @Test
    void silenceAfterConnectingEndsWithTimeout() throws IOException {
        try (var raw = connect()) {
            assertThat(raw.error().errorCode()).contains(ErrorCode.TIMEOUT);
            assertThat(raw.reader().read()).isNull();
        }
    }

    @Test
    void unknownAndMalformedFramesGetErrorsAndTheSessionGoesOn() throws IOException {
        try (var raw = connect().hello()) {
            raw.raw(new byte[] {0, 0, 0, 7, (byte) 0xEE, 0, 0, 0, 9, 1, 2}); // type 0xEE, request 9
            Frame unknown = raw.reader().read();
            assertThat(unknown.requestId()).isEqualTo(9);
            assertThat(((ErrorReply) unknown.message()).errorCode()).contains(ErrorCode.UNSUPPORTED);

            raw.raw(new byte[] {0, 0, 0, 7, 4, 0, 0, 0, 10, 1, 2}); // a Ping with 2 payload bytes instead of 8
            Frame malformed = raw.reader().read();
            assertThat(malformed.requestId()).isEqualTo(10);
            assertThat(((ErrorReply) malformed.message()).errorCode()).contains(ErrorCode.PROTOCOL_ERROR);

            raw.writer().write(new Frame(11, new Ping(5)));
            assertThat(raw.reader().read()).isEqualTo(new Frame(11, new Pong(5)));
        }
    }

    /**
     * The server holds back the answers to requests that arrived together, to send them together: every one still
     * arrives, in order, also when a malformed frame is among them and when the last request is still incomplete.
     */
    @Test
    @Timeout(20)
    void requestsSentTogetherAreAllAnsweredInOrder() throws IOException {
        try (var raw = connect()) {
            var burst = new java.io.ByteArrayOutputStream();
            burst.writeBytes(bytes(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "test"))));
            for (int i = 2; i < 22; i++) {
                burst.writeBytes(bytes(new Frame(i, new Ping(i))));
            }
            burst.writeBytes(new byte[] {0, 0, 0, 7, 4, 0, 0, 0, 22, 1, 2}); // a malformed Ping, request 22
            burst.writeBytes(bytes(new Frame(23, new Ping(23))));
            byte[] last = bytes(new Frame(24, new Ping(24)));
            burst.write(last, 0, 6); // the start of request 24 only
            raw.raw(burst.toByteArray());

            assertThat(raw.reader().read().message()).isInstanceOf(Welcome.class);
            assertThat(raw.reader().buffered()).as("the answers up to the malformed frame came in one write, with the"
                    + " Welcome").isGreaterThanOrEqualTo(20 * bytes(new Frame(2, new Pong(2))).length);
            for (int i = 2; i < 22; i++) {
                assertThat(raw.reader().read()).isEqualTo(new Frame(i, new Pong(i)));
            }
            Frame malformed = raw.reader().read();
            assertThat(malformed.requestId()).isEqualTo(22);
            assertThat(((ErrorReply) malformed.message()).errorCode()).contains(ErrorCode.PROTOCOL_ERROR);
            assertThat(raw.reader().read()).as("answered while request 24 is incomplete")
                    .isEqualTo(new Frame(23, new Pong(23)));

            raw.raw(java.util.Arrays.copyOfRange(last, 6, last.length));
            assertThat(raw.reader().read()).isEqualTo(new Frame(24, new Pong(24)));
        }
    }

    private static byte[] bytes(Frame frame) {
        ByteBuffer encoded = FrameEncoder.encode(frame);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    @Test
    void anAbsurdFrameLengthIsFatalForThatSessionOnly() throws IOException {
        try (var raw = connect().hello()) {
            raw.raw(new byte[] {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 4});
            assertThat(raw.error().errorCode()).contains(ErrorCode.PROTOCOL_ERROR);
            assertThat(raw.reader().read()).isNull();
        }
        bystander.ping();
    }

    @Test
    void aClientThatVanishesMidFrameCostsNothing() throws IOException {
        try (var raw = connect().hello()) {
            ByteBuffer ping = FrameEncoder.encode(new Frame(2, new Ping(2)));
            raw.channel().write(ping.slice(0, 5));
        }
        bystander.ping();
        try (var again = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            again.ping();
        }
    }
}
