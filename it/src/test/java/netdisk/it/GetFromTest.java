package netdisk.it;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FilePart;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.GetFrom;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Message;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's side of a resumed download ({@link GetFrom}, protocol 1.3), frame by frame: the rest of the file when
 * the client's prefix hash is that of the file's first bytes, with the server's own prefix hash; the whole file
 * otherwise (a wrong hash, a hash that is no SHA-256, an offset past the end); the refusals of any download; one
 * audit line with the offset the content started at.
 */
class GetFromTest {

    private static final int SIZE = 2_000_000;
    private static final int HELD = 750_000;

    @TempDir
    static Path data;

    @TempDir
    static Path local;

    private static ServerProcess server;
    private static byte[] content;

    @BeforeAll
    static void start() throws Exception {
        TestUsers.add(data, "alice");
        content = Files.readAllBytes(Sha256.randomFile(local.resolve("f.bin"), SIZE, 41));
        server = ServerProcess.start(data, "thread", "--workers", "1");
        try (var client = Clients.login(server, "alice")) {
            Clients.put(client, local.resolve("f.bin"), "/f.bin");
            client.mkdir("/dir", false);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String sha256(byte[] bytes, int length) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRightPrefixHashGetsTheRestAndTheServersOwnPrefixHash() throws Exception {
        try (var raw = Raw.login()) {
            FilePart part = raw.part(new GetFrom("/f.bin", HELD, sha256(content, HELD)));
            assertThat(part).isEqualTo(new FilePart("f.bin", SIZE, HELD, sha256(content, SIZE),
                    sha256(content, HELD)));
            assertThat(raw.content(part.remaining())).isEqualTo(Arrays.copyOfRange(content, HELD, SIZE));
            raw.inStep();
        }
    }

    @Test
    void aWrongPrefixHashGetsTheWholeFileFromByteZeroWithoutAPrefixHash() throws Exception {
        byte[] other = content.clone();
        other[HELD - 1] ^= 1;
        try (var raw = Raw.login()) {
            FilePart part = raw.part(new GetFrom("/f.bin", HELD, sha256(other, HELD)));
            assertThat(part).isEqualTo(new FilePart("f.bin", SIZE, 0, sha256(content, SIZE), ""));
            assertThat(raw.content(part.remaining())).isEqualTo(content);
            raw.inStep();
        }
    }

    @Test
    void aPrefixHashThatIsNoSha256AnOffsetPastTheEndAndOffsetZeroGetTheWholeFile() throws Exception {
        try (var raw = Raw.login()) {
            for (GetFrom request : new GetFrom[] {
                    new GetFrom("/f.bin", HELD, sha256(content, HELD).toUpperCase()),
                    new GetFrom("/f.bin", HELD, "not a hash"),
                    new GetFrom("/f.bin", SIZE + 1, sha256(content, SIZE)),
                    new GetFrom("/f.bin", 0, ""),
                    new GetFrom("/f.bin", 0, sha256(content, 0))}) {
                FilePart part = raw.part(request);
                assertThat(part).as("%s", request).isEqualTo(new FilePart("f.bin", SIZE, 0, sha256(content, SIZE),
                        ""));
                assertThat(raw.content(part.remaining())).isEqualTo(content);
            }
            raw.inStep();
        }
    }

    @Test
    void theWholeFileAsPrefixGetsNoContent() throws Exception {
        try (var raw = Raw.login()) {
            FilePart part = raw.part(new GetFrom("/f.bin", SIZE, sha256(content, SIZE)));
            assertThat(part).isEqualTo(new FilePart("f.bin", SIZE, SIZE, sha256(content, SIZE),
                    sha256(content, SIZE)));
            raw.inStep();
        }
    }

    @Test
    void refusalsAreThoseOfAnyDownload() throws Exception {
        try (var raw = Raw.login()) {
            assertThat(raw.refusal(new GetFrom("/missing.bin", 10, sha256(content, 10))))
                    .isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(raw.refusal(new GetFrom("/dir", 0, ""))).isEqualTo(ErrorCode.IS_A_DIRECTORY);
            assertThat(raw.refusal(new GetFrom("/../f.bin", 0, ""))).isEqualTo(ErrorCode.BAD_PATH);
            raw.inStep();
        }
    }

    @Test
    void theAuditLineSaysWhereTheContentStarted() throws Exception {
        try (var raw = Raw.login()) {
            FilePart part = raw.part(new GetFrom("/f.bin", 123_456, sha256(content, 123_456)));
            raw.content(part.remaining());
            raw.inStep();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> DataDir.auditLines(data).stream()
                .anyMatch(line -> line.contains("user=alice") && line.contains("op=get")
                        && line.contains("path=/f.bin") && line.contains("result=ok")
                        && line.contains("bytes=" + (SIZE - 123_456)) && line.contains("offset=123456")));
    }

    /** A client speaking frame by frame, to see exactly what the server answers. */
    private record Raw(SocketChannel channel, FrameReader reader, FrameWriter writer) implements AutoCloseable {

        static Raw login() throws IOException {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
            var raw = new Raw(channel, new FrameReader(channel), new FrameWriter(channel));
            raw.writer.write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "get-from-test")));
            assertThat(raw.answer()).isInstanceOfSatisfying(Welcome.class,
                    welcome -> assertThat(welcome.minor()).isGreaterThanOrEqualTo(3));
            raw.writer.write(new Frame(2, new Login("alice", Login.PASSWORD, TestUsers.PASSWORD)));
            assertThat(raw.answer()).isInstanceOf(LoginOk.class);
            return raw;
        }

        Message answer() throws IOException {
            Frame frame = reader.read();
            assertThat(frame).as("an answer before the server closed the connection").isNotNull();
            return frame.message();
        }

        FilePart part(GetFrom request) throws IOException {
            writer.write(new Frame(3, request));
            Message answer = answer();
            assertThat(answer).isInstanceOf(FilePart.class);
            return (FilePart) answer;
        }

        ErrorCode refusal(GetFrom request) throws IOException {
            writer.write(new Frame(4, request));
            Message answer = answer();
            assertThat(answer).isInstanceOf(ErrorReply.class);
            return ((ErrorReply) answer).errorCode().orElseThrow();
        }

        /** The raw bytes that follow a FilePart: what the reader holds already, then the socket. */
        byte[] content(long length) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(length));
            while (bytes.hasRemaining()) {
                if (reader.readBuffered(bytes) == 0 && channel.read(bytes) < 0) {
                    throw new EOFException("the content ended at " + bytes.position() + " of " + length);
                }
            }
            return bytes.array();
        }

        /** A Ping answered at once: nothing more of the content was sent than announced. */
        void inStep() throws IOException {
            writer.write(new Frame(5, new Ping(77)));
            assertThat(answer()).isEqualTo(new Pong(77));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
