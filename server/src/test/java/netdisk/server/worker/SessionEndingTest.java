package netdisk.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Hello;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;
import netdisk.server.pool.Connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a session is ended by its worker's timer (or a drain): the notice is sent by the session's own thread, so the
 * timer never waits for a client, however little that client reads; a request whose client stopped sending or reading
 * is ended after the stall timeout. A session on a real loopback socket, its timer driven by hand.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionEndingTest {

    private static final Duration HANDSHAKE = Duration.ofSeconds(5);
    private static final Duration STALL = Duration.ofSeconds(3);

    @TempDir
    Path data;

    private ServerSocketChannel listener;
    private SocketChannel client;
    private SocketChannel served;
    private Session session;
    private final CompletableFuture<String> outcome = new CompletableFuture<>();

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        client = SocketChannel.open(listener.getLocalAddress());
        served = listener.accept();
        var settings = new WorkerSettings(HANDSHAKE, Duration.ofHours(1), STALL, data, Optional.empty(),
                Duration.ofHours(1), Duration.ofMinutes(5), false);
        var connection = new Connection(1, served, StandardProtocolFamily.INET,
                (InetSocketAddress) client.getLocalAddress());
        session = new Session(connection, new WorkerIdentity(1, ProcessHandle.current().pid(), false), settings,
                null, (s, software) -> { }, (s, how) -> outcome.complete(how));
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        served.close();
        listener.close();
    }

    @Test
    void aHandshakeTimeoutIsToldByTheSessionsThreadAndTheTimerReturnsAtOnce() throws Exception {
        Thread.ofVirtual().start(session);

        endTimedOutHandshake(); // returns: the notice is not written here

        Frame notice = new FrameReader(client).read();
        assertThat(notice.message()).isInstanceOfSatisfying(ErrorReply.class, error -> {
            assertThat(error.errorCode()).contains(ErrorCode.TIMEOUT);
            assertThat(error.message()).contains("no Hello within 5000 ms");
        });
        assertThat(new FrameReader(client).read()).as("then closed").isNull();
        assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo("no Hello within 5000 ms");
    }

    @Test
    void aClientThatReadsNothingHoldsUpNeitherTheTimerNorItsOwnEndPastTheStallTimeout() throws Exception {
        fillTheServersSendBuffer(); // as answers the client never read would: the notice cannot go out
        Thread.ofVirtual().start(session);

        endTimedOutHandshake(); // returned although the notice cannot be written: the timer is free

        // the session's thread now waits to write the notice; the timer's sweeps cut it after the stall timeout
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            session.enforceTimeouts(System.nanoTime() + STALL.toNanos() + 1);
            return outcome.isDone();
        });
        assertThat(outcome.get()).isEqualTo("no Hello within 5000 ms");
        assertThat(served.isOpen()).isFalse();
    }

    @Test
    void aRequestWhoseRestNeverComesIsToldTimeoutAfterTheStallTimeout() throws Exception {
        Thread.ofVirtual().start(session);
        var writer = new FrameWriter(client);
        var reader = new FrameReader(client);
        writer.write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "test")));
        assertThat(reader.read().message()).isInstanceOf(Welcome.class);
        client.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 12, 0})); // the first bytes of a frame, and no more

        session.enforceTimeouts(System.nanoTime() + STALL.toNanos() - 1_000_000_000L);
        assertThat(outcome).as("not stalled yet").isNotDone();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            session.enforceTimeouts(System.nanoTime() + STALL.toNanos() + 1);
            return outcome.isDone();
        });

        assertThat(reader.read().message()).isInstanceOfSatisfying(ErrorReply.class, error -> {
            assertThat(error.errorCode()).contains(ErrorCode.TIMEOUT);
            assertThat(error.message()).isEqualTo("closed: stalled: nothing from the client for 3 s in the middle"
                    + " of a request");
        });
        assertThat(reader.read()).as("then closed").isNull();
        assertThat(outcome.get()).isEqualTo("stalled: nothing from the client for 3 s");
    }

    /** One sweep of the timer past the handshake timeout, on a thread of its own; fails if it does not return. */
    private void endTimedOutHandshake() throws Exception {
        CompletableFuture.runAsync(() -> session.enforceTimeouts(System.nanoTime() + HANDSHAKE.toNanos() + 1),
                        runnable -> Thread.ofPlatform().daemon().start(runnable))
                .get(30, TimeUnit.SECONDS);
    }

    /** Writes to the server's side of the socket until neither the client's buffer nor its own takes another byte. */
    private void fillTheServersSendBuffer() throws IOException {
        served.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        while (served.write(chunk.clear()) > 0) {
            // filling
        }
        served.configureBlocking(true);
    }
}
