package netdisk.server.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import netdisk.server.pool.Connection;

/**
 * {@code netdisk-server serve-file}: the tutorial's own wire format, so that a client written for it downloads
 * unchanged. Connecting is the request; the answer is
 *
 * <pre>
 * +------------------------+------------------------+-------------------------+------------------------+
 * | name length (8 bytes)  | file size (8 bytes)    | name (base name, bytes) | content (file size)    |
 * | little-endian size_t   | little-endian off_t    | no terminator           |                        |
 * +------------------------+------------------------+-------------------------+------------------------+
 * </pre>
 * then the server closes the connection. Little-endian because the tutorial writes its {@code size_t}/{@code off_t}
 * in host order on x86-64. The content goes with {@code sendfile}, like a netdisk download, and a client that stops
 * reading it for longer than the stall timeout is cut, as in a netdisk session.
 */
final class SeedSession implements ServedConnection {

    private final Connection connection;
    private final TimedSocket socket;
    private final Path file;
    private final Duration stallTimeout;
    private final BiConsumer<ServedConnection, String> onEnd;
    private final long startNanos = System.nanoTime();
    private volatile String closeReason;

    SeedSession(Connection connection, Path file, Duration stallTimeout, BiConsumer<ServedConnection, String> onEnd) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.socket = new TimedSocket(connection.channel());
        this.file = Objects.requireNonNull(file, "file");
        this.stallTimeout = Objects.requireNonNull(stallTimeout, "stallTimeout");
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        String outcome;
        try (socket; FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            byte[] name = file.getFileName().toString().getBytes(StandardCharsets.UTF_8);
            ByteBuffer header = ByteBuffer.allocate(16 + name.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(name.length).putLong(size).put(name).flip();
            while (header.hasRemaining()) {
                socket.write(header);
            }
            long reached = new FileSender().send(in, 0, size, socket);
            if (reached < size) {
                throw new IOException(file + " shrank to " + reached + " bytes while being sent");
            }
            outcome = "sent " + file.getFileName() + " (" + size + " bytes), tutorial format";
        } catch (IOException e) {
            outcome = closeReason != null ? closeReason : "stopped: " + e.getMessage();
        }
        onEnd.accept(this, outcome);
    }

    @Override
    public long connectionId() {
        return connection.id();
    }

    @Override
    public String name() {
        return connection.name();
    }

    @Override
    public int requests() {
        return 1;
    }

    @Override
    public long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The file is the whole of the work in progress: it is sent to the end (or the drain timeout cuts it). */
    @Override
    public void drain() {
    }

    @Override
    public void abort(String reason) {
        closeReason = "cut: " + reason;
        try {
            connection.channel().close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** The tutorial's clients say nothing, and get their file at once: no handshake or idle wait, only stalls. */
    @Override
    public void enforceTimeouts(long nowNanos) {
        TimedSocket.Waiting stalled = socket.stalled(nowNanos, stallTimeout.toNanos());
        if (stalled != TimedSocket.Waiting.NOTHING) {
            abort(TimedSocket.stallReason(stalled, stallTimeout));
        }
    }
}
