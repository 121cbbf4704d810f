package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** SIGTERM, SIGINT, SIGUSR1 and {@code netdisk-server stop}: in-flight work finishes, then every process exits 0. */
class GracefulStopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Time for the session to read the bytes of a partial request before the stop; loopback needs far less. */
    private static final long SETTLE_MILLIS = 300;

    @TempDir
    Path data;

    @ParameterizedTest(name = "SIG{1}, {0} mode")
    @CsvSource({"process,TERM", "process,INT", "process,USR1", "thread,TERM", "thread,INT", "thread,USR1"})
    void aRequestInProgressCompletesThenEveryProcessExitsZero(String mode, String signal) throws Exception {
        if (signal.equals("INT")) {
            assumeThat(sigintIgnoredHere()).as("SIGINT is ignored in this process tree (background job?)").isFalse();
        }
        try (var server = ServerProcess.start(data, mode, "--workers", "2");
             var raw = RawSession.open(server.port())) {
            Set<Long> workers = server.workerPids();
            ByteBuffer ping = FrameEncoder.encode(new Frame(7, new Ping(42)));
            raw.write(ping, 6); // a slow client: half a request is on the wire
            Thread.sleep(SETTLE_MILLIS);

            server.signal(signal);
            server.awaitLog("stopping: no new connections", TIMEOUT);
            Thread.sleep(500);
            assertThat(server.alive()).as("the server waits for the request in progress").isTrue();
            raw.write(ping, ping.remaining());

            assertThat(raw.read()).isEqualTo(new Frame(7, new Pong(42)));
            Frame notice = raw.read();
            assertThat(notice.requestId()).isZero();
            assertThat(notice.message()).isInstanceOfSatisfying(ErrorReply.class,
                    e -> assertThat(e.errorCode()).contains(ErrorCode.SHUTTING_DOWN));
            assertThat(raw.read()).as("then the server closes").isNull();

            assertThat(server.awaitExit(TIMEOUT)).isZero();
            List<String> log = server.log();
            int last = IntStream.range(0, log.size()).filter(i -> log.get(i).contains("all 2 workers exited"))
                    .findFirst().orElseThrow(() -> new AssertionError("no 'all 2 workers exited':\n" + log));
            for (int number = 0; number < 2; number++) {
                String exited = ":no " + number + "] exited: ";
                assertThat(log.subList(0, last)).as("worker %d's exit logged before the master's last line", number)
                        .anySatisfy(l -> assertThat(l).contains(exited));
            }
            assertThat(workers).allSatisfy(pid -> {
                if (pid != server.pid()) {
                    assertThat(ProcessHandle.of(pid)).as("worker %d reaped", pid).isEmpty();
                }
            });
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void idleSessionsAreToldAndClosedAtOnce(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "2", "--drain-timeout", "60");
             var raw = RawSession.open(server.port())) {
            server.signal("TERM");
            Frame notice = raw.read();
            assertThat(notice.message()).isInstanceOfSatisfying(ErrorReply.class,
                    e -> assertThat(e.errorCode()).contains(ErrorCode.SHUTTING_DOWN));
            assertThat(raw.read()).isNull();
            assertThat(server.awaitExit(TIMEOUT)).as("no wait for the 60 s drain timeout").isZero();
        }
    }

    @Test
    void workThatOutlivesTheDrainTimeoutIsCut() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2", "--drain-timeout", "1");
             var raw = RawSession.open(server.port())) {
            ByteBuffer ping = FrameEncoder.encode(new Frame(7, new Ping(42)));
            raw.write(ping, 3); // and never the rest
            Thread.sleep(SETTLE_MILLIS);
            server.signal("TERM");
            assertThat(raw.read()).as("cut, without an answer").isNull();
            assertThat(server.awaitExit(TIMEOUT)).isZero();
            assertThat(server.log()).anySatisfy(l -> assertThat(l).contains("drain timeout of 1000 ms expired"));
        }
    }

    @Test
    void stopCommandStopsTheServerAndWaits() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            Set<Long> workers = server.workerPids();
            var stop = Cli.run("stop", "--data", data.toString());
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("stopped");
            assertThat(server.alive()).as("stop waits until the server exited").isFalse();
            assertThat(server.awaitExit(TIMEOUT)).isZero();
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(workers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty()));
            assertThat(Files.exists(data.resolve("run/control.sock"))).isFalse();

            var again = Cli.run("status", "--data", data.toString());
            assertThat(again.exitCode()).isEqualTo(3);
            assertThat(again.output()).contains("no netdisk-server is running");
        }
    }

    /** Whether SIGINT is ignored in this JVM, and so in the servers it starts. */
    private static boolean sigintIgnoredHere() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).strip(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    /** A client written with the codec alone, to do what the client library never does: stop mid-frame. */
    record RawSession(SocketChannel channel, FrameReader reader) implements AutoCloseable {

        static RawSession open(int port) throws IOException {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            var session = new RawSession(channel, new FrameReader(channel));
            new FrameWriter(channel).write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR,
                    "raw-test")));
            assertThat(session.read().message()).isInstanceOf(Welcome.class);
            return session;
        }

        void write(ByteBuffer source, int bytes) throws IOException {
            ByteBuffer part = source.slice(source.position(), bytes);
            while (part.hasRemaining()) {
                channel.write(part);
            }
            source.position(source.position() + bytes);
        }

        Frame read() throws IOException {
            return reader.read();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
