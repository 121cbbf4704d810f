package netdisk.protocol;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Feeds a {@link MessageDigest} on a thread of its own, so that hashing transferred content (the SHA-256 that
 * verified transfers compare, see {@link PutFile} and {@link FileInfo}) runs beside receiving and writing it instead
 * of after each piece. Used by the server for uploads and by the client for downloads. On the benchmark machine
 * (2 cores, SHA instructions) hashing on the receiving thread took an upload to tmpfs from ~1.5 to ~0.75 GiB/s.
 *
 * <p>{@link #update} copies the bytes into one of {@value #DEPTH} buffers of {@value #CHUNK} bytes (a memory copy
 * costs a fraction of hashing) and returns; it waits only when the hasher is that far behind. Bytes are hashed in the
 * order given. Not thread-safe: one writer calls {@code update} and then {@link #finish}, or {@link #close}.
 */
public final class BackgroundDigest implements AutoCloseable {

    /** The size of one queued piece. */
    public static final int CHUNK = 1 << 20;
    /** How many pieces may wait for the hasher before {@link #update} waits. */
    public static final int DEPTH = 4;

    private static final Chunk END = new Chunk(new byte[0]);

    private final MessageDigest digest;
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread hasher;
    private volatile Throwable failure;

    private static final class Chunk {
        final byte[] bytes;
        int length;

        Chunk(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /** Takes over {@code digest}, which may already hold a prefix of the content. */
    public BackgroundDigest(MessageDigest digest) {
        this.digest = digest;
        for (int i = 0; i < DEPTH; i++) {
            free.add(new Chunk(new byte[CHUNK]));
        }
        this.hasher = Thread.ofVirtual().name("digest").start(this::hashLoop);
    }

    /** Queues the bytes from {@code source}'s position to its limit, and consumes them. */
    public void update(ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            Chunk chunk = take(free);
            chunk.length = Math.min(CHUNK, source.remaining());
            source.get(chunk.bytes, 0, chunk.length);
            put(chunk);
        }
    }

    /** Waits until everything queued is hashed; returns the digest. */
    public byte[] finish() throws IOException {
        put(END);
        join();
        if (failure != null) {
            throw new IOException("hashing failed", failure);
        }
        return digest.digest();
    }

    /** Stops hashing, whatever is left; for an aborted blob. */
    @Override
    public void close() {
        hasher.interrupt();
        join();
    }

    private void hashLoop() {
        try {
            while (true) {
                Chunk chunk = filled.take();
                if (chunk == END) {
                    return;
                }
                digest.update(chunk.bytes, 0, chunk.length);
                free.put(chunk);
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException | Error e) {
            failure = e;
            free.clear();
            free.add(new Chunk(new byte[CHUNK])); // never leave the writer waiting for a buffer
        }
    }

    private Chunk take(BlockingQueue<Chunk> queue) throws IOException {
        if (failure != null) {
            throw new IOException("hashing failed", failure);
        }
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
    }

    private void put(Chunk chunk) throws IOException {
        try {
            filled.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
    }

    private void join() {
        boolean interrupted = false;
        while (true) {
            try {
                hasher.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
