package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import netdisk.client.TransferListener;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Hello;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --idle-timeout}: a session that waits for its next request too long is told TIMEOUT and closed; one in the
 * middle of a transfer is never idle, however long the transfer takes; a client finds out before it sends its next
 * request, so that it can reconnect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleTimeoutTest {

    private ServerProcess server;

    @TempDir
    Path local;

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        TestUsers.add(data, "ida");
        server = ServerProcess.start(data, "process", "--workers", "1", "--idle-timeout", "1s");
    }

    @AfterAll
    void stop() throws IOException {
        server.close();
    }

    @Test
    void aSessionWaitingLongerThanTheIdleTimeoutIsToldAndClosed() throws IOException {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            var reader = new FrameReader(channel);
            new FrameWriter(channel).write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "t")));
            assertThat(reader.read().message()).isInstanceOf(Welcome.class);

            Frame notice = reader.read(); // blocks until the server gives up on this session
            assertThat(notice.requestId()).isZero();
            assertThat(notice.message()).isInstanceOfSatisfying(ErrorReply.class, error -> {
                assertThat(error.errorCode()).contains(ErrorCode.TIMEOUT);
                assertThat(error.message()).contains("idle for 1 s");
            });
            assertThat(reader.read()).as("then closed").isNull();
        }
        assertThat(server.log()).anyMatch(line -> line.contains("session ended: idle for 1 s"));
    }

    @Test
    void aTransferSlowerThanTheIdleTimeoutIsNeverIdleAndTheClientSeesTheCloseAfterwards() throws Exception {
        long size = 40_000_000;
        Path source = Sha256.randomFile(local.resolve("slow.bin"), size, 21);
        try (var client = Clients.login(server, "ida")) {
            Clients.put(client, source, "/slow.bin");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            var slowSink = new WritableByteChannel() {
                private long received;

                @Override
                public int write(ByteBuffer bytes) throws IOException {
                    int n = bytes.remaining();
                    digest.update(bytes);
                    received += n;
                    // 3 pauses in the first 15 MB: the download takes over twice the idle timeout, and after the
                    // last one more is left than the socket buffers hold, so the server is still writing (busy)
                    // then. Pauses near the end let it finish writing into the buffers and wait, idle, for the
                    // next request while the client was still reading: with SHA-256 at 0.23 GiB/s here, that
                    // wait once passed the 1 s idle timeout before this client could ask.
                    if (received % 5_000_000 < n && received <= 15_000_000) {
                        pause();
                    }
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
            client.get("/slow.bin", slowSink, TransferListener.NONE);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(Sha256.of(source));
            assertThat(client.isOpen()).as("right after a request").isTrue();

            pause();
            pause();
            assertThat(client.isOpen()).as("after waiting longer than the idle timeout").isFalse();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(800);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
