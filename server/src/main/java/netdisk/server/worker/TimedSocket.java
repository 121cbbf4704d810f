package netdisk.server.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A session's socket, which knows how long the call in progress has been waiting for the client: the session's timer
 * reads it to cut a client that stopped sending or reading in the middle of a request ({@code --stall-timeout}).
 *
 * <p>Every read, write and {@code sendfile} of the session goes through here. Sessions run on virtual threads, whose
 * sockets are non-blocking underneath: a call returns as soon as it moved some bytes, so a call that lasts is a call
 * that moves nothing, however slow the client is otherwise. A call costs one more {@code System.nanoTime()} and two
 * volatile writes.
 */
final class TimedSocket implements ByteChannel, GatheringByteChannel {

    /** The direction of the call in progress, for the log and for how the session ends it. */
    enum Waiting { NOTHING, TO_RECEIVE, TO_SEND }

    private final SocketChannel channel;
    /** When the call in progress started; meaningful while {@link #waiting} is not NOTHING. */
    private volatile long since;
    private volatile Waiting waiting = Waiting.NOTHING;
    /** Set while the client is known to be working before it answers, so that its silence is no stall. */
    private volatile boolean clientWorking;

    TimedSocket(SocketChannel channel) {
        this.channel = channel;
    }

    /** The socket itself, for its blocking mode. */
    SocketChannel channel() {
        return channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        begin(Waiting.TO_RECEIVE);
        try {
            return channel.read(dst);
        } finally {
            waiting = Waiting.NOTHING;
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        begin(Waiting.TO_SEND);
        try {
            return channel.write(src);
        } finally {
            waiting = Waiting.NOTHING;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        begin(Waiting.TO_SEND);
        try {
            return channel.write(srcs, offset, length);
        } finally {
            waiting = Waiting.NOTHING;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** {@code file.transferTo(position, count, socket)}: sendfile, timed as a write. */
    long sendFile(FileChannel file, long position, long count) throws IOException {
        begin(Waiting.TO_SEND);
        try {
            return file.transferTo(position, count, channel);
        } finally {
            waiting = Waiting.NOTHING;
        }
    }

    /**
     * Runs {@code exchange} without timing its reads: the client computes something before it answers (hashes gigabytes
     * of a file to resume, say), and may take longer than the stall timeout doing so.
     */
    <T> T whileClientWorks(IoCall<T> exchange) throws IOException {
        clientWorking = true;
        try {
            return exchange.call();
        } finally {
            clientWorking = false;
        }
    }

    /** What the call in progress waits for, NOTHING between calls or while the client is working. */
    Waiting waiting() {
        return clientWorking ? Waiting.NOTHING : waiting;
    }

    /**
     * What the call in progress waits for if, at {@code nowNanos}, it has waited {@code limitNanos} or longer;
     * NOTHING otherwise.
     */
    Waiting stalled(long nowNanos, long limitNanos) {
        Waiting direction = waiting();
        if (direction == Waiting.NOTHING) {
            return direction;
        }
        long start = since; // after the direction, which begin() writes after it: never older than that call
        return nowNanos - start >= limitNanos ? direction : Waiting.NOTHING;
    }

    /** Why a session whose call waited {@code limit} for {@code direction} ends, as its log line says. */
    static String stallReason(Waiting direction, Duration limit) {
        return direction == Waiting.TO_SEND
                ? "stalled: the client took nothing for " + limit.toSeconds() + " s"
                : "stalled: nothing from the client for " + limit.toSeconds() + " s";
    }

    private void begin(Waiting direction) {
        since = System.nanoTime();
        waiting = direction;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A socket exchange that may fail. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }
}
