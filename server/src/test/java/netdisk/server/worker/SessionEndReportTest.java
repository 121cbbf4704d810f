package netdisk.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import netdisk.server.pool.Connection;
import netdisk.server.pool.ControlMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker tells its master of every session's end, once, though it sends the ends that come close together in
 * one message ({@link Worker#END_REPORT_DELAY_MICROS}; how many share one depends on timing, which this does not
 * assert). A worker in serve-file mode (sessions that send a file and end) behind a master link that records what it
 * is told.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionEndReportTest {

    @TempDir
    Path dir;

    /** Commands from the test; what the worker sends, as the calls it made. */
    private static final class RecordingMaster implements MasterLink {
        final BlockingQueue<WorkerCommand> commands = new LinkedBlockingQueue<>();
        final List<List<ControlMessage>> calls = new ArrayList<>();

        @Override
        public WorkerCommand next() throws IOException {
            try {
                return commands.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public synchronized void send(ControlMessage message) {
            calls.add(List.of(message));
        }

        @Override
        public synchronized void sendAll(List<ControlMessage> messages) {
            calls.add(List.copyOf(messages));
        }

        synchronized List<Long> endsReported() {
            return calls.stream().flatMap(List::stream).filter(m -> m instanceof ControlMessage.SessionEnded)
                    .map(m -> ((ControlMessage.SessionEnded) m).connectionId()).toList();
        }
    }

    @Test
    void everyEndOfManySessionsEndingTogetherIsReportedOnce() throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), new byte[] {1, 2, 3});
        var settings = new WorkerSettings(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(5), dir,
                Optional.of(file), Duration.ofHours(1), Duration.ofMinutes(5), false);
        var master = new RecordingMaster();
        var worker = new Worker(new WorkerIdentity(0, ProcessHandle.current().pid(), false), settings, master);
        Thread running = Thread.ofPlatform().start(() -> {
            try {
                worker.run();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        int sessions = 40;
        List<SocketChannel> clients = new ArrayList<>();
        try (var listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            for (int id = 1; id <= sessions; id++) {
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                clients.add(client);
                SocketChannel served = listener.accept();
                master.commands.add(new WorkerCommand.Serve(new Connection(id, served, StandardProtocolFamily.INET,
                        (InetSocketAddress) served.getRemoteAddress())));
            }
            for (SocketChannel client : clients) { // each session sends the file and ends
                ByteBuffer in = ByteBuffer.allocate(64);
                while (client.read(in) >= 0) {
                    in.clear();
                }
                client.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (master.endsReported().size() < sessions && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            master.commands.add(new WorkerCommand.Drain(Duration.ofSeconds(5)));
            running.join();
        }
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= sessions; id++) {
            expected.add(id);
        }
        assertThat(master.endsReported()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
