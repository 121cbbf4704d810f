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
 * of after each piece. Used by the server for uploads and by the client for downloads and for the hash it announces
 * before an upload. On the benchmark machine (2 cores, SHA instructions) hashing on the receiving thread took an
 * upload to tmpfs from ~1.5 to ~0.75 GiB/s.
 *
 * <p>The digest owns {@value #DEPTH} direct buffers of {@value #CHUNK} bytes. The fast way in lends them out: the
 * caller reads content straight into {@link #buffer()} (a socket or file read into a direct buffer needs no copy of
 * the JDK's), uses it (writes it to its file), and gives it back with {@link #hash}; the hasher hashes it and puts it
 * back in the pool. No byte is copied in user space on the caller's side. {@link #update} is the slow way in, for
 * bytes in a buffer of the caller's own: it copies them into the pool's buffers (a memory copy costs a fraction of
 * hashing). Either waits only when the hasher is {@value #DEPTH} buffers behind.
 *
 * <p>The hasher feeds the digest from direct buffers, which {@code MessageDigest} reads through a small array of its
 * own, 4 KiB at a time: besides being cheap (the slice is in the L1 cache), that calls the digest often enough for
 * the JIT to compile its multi-block SHA-256 intrinsic early; fed 1 MiB at a time, a fresh JVM hashed its first
 * GiBs with the one-block one, ~6 % more CPU.
 *
 * <p>Bytes are hashed in the order given. Not thread-safe: one thread calls {@code buffer}, {@code hash} and
 * {@code update}, then {@link #finish} (or {@link #complete}), or {@link #close}.
 */
public final class BackgroundDigest implements AutoCloseable {

    /** The size of one buffer of the pool. */
    public static final int CHUNK = 1 << 20;
    /** How many buffers the pool has: how far the hasher may fall behind before the caller waits. */
    public static final int DEPTH = 4;

    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final MessageDigest digest;
    private final ByteBuffer[] pool = new ByteBuffer[DEPTH];
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread hasher;
    private volatile Throwable failure;

    /** Takes over {@code digest}, which may already hold a prefix of the content. */
    public BackgroundDigest(MessageDigest digest) {
        this.digest = digest;
        for (int i = 0; i < DEPTH; i++) {
            pool[i] = ByteBuffer.allocateDirect(CHUNK);
            free.add(pool[i]);
        }
        this.hasher = Thread.ofVirtual().name("digest").start(this::hashLoop);
    }

    /**
     * A buffer of the pool, cleared, for the caller to fill (it may lower the limit) and then give back with
     * {@link #hash}. Waits while every buffer is queued for hashing.
     */
    public ByteBuffer buffer() throws IOException {
        return take().clear();
    }

    /**
     * Queues the bytes from {@code lent}'s position to its limit for hashing and takes the buffer back: the caller
     * must not touch it afterwards.
     *
     * @throws IllegalArgumentException if {@code lent} is not a buffer from {@link #buffer()}
     */
    public void hash(ByteBuffer lent) throws IOException {
        throwIfFailed();
        if (!isOwn(lent)) {
            throw new IllegalArgumentException("not a buffer of this digest's pool");
        }
        put(lent);
    }

    /** Queues the bytes from {@code source}'s position to its limit, copied, and consumes them. */
    public void update(ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            ByteBuffer chunk = buffer();
            int length = Math.min(chunk.remaining(), source.remaining());
            chunk.put(source.slice(source.position(), length)).flip();
            source.position(source.position() + length);
            put(chunk);
        }
    }

    /** Waits until everything queued is hashed; returns the digest, finished. */
    public byte[] finish() throws IOException {
        return complete().digest();
    }

    /**
     * Waits until everything queued is hashed; returns the digest, not finished (the caller may hash more into it,
     * or {@link MessageDigest#clone} it). This object is done with it.
     */
    public MessageDigest complete() throws IOException {
        put(END);
        join();
        throwIfFailed();
        return digest;
    }

    /** Stops hashing, whatever is left; for an aborted transfer. */
    @Override
    public void close() {
        hasher.interrupt();
        join();
    }

    private boolean isOwn(ByteBuffer buffer) {
        for (ByteBuffer own : pool) {
            if (own == buffer) {
                return true;
            }
        }
        return false;
    }

    private void hashLoop() {
        ByteBuffer chunk = null;
        try {
            while (true) {
                chunk = filled.take();
                if (chunk == END) {
                    return;
                }
                digest.update(chunk);
                free.put(chunk);
                chunk = null;
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException | Error e) {
            failure = e;
            if (chunk != null) {
                free.offer(chunk); // never leave the caller waiting for a buffer
            }
        }
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw new IOException("hashing failed", failure);
        }
    }

    private ByteBuffer take() throws IOException {
        throwIfFailed();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
    }

    private void put(ByteBuffer chunk) throws IOException {
        try {
            filled.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
    }

    private void join() {
        Threads.joinUninterruptibly(hasher);
    }
}
