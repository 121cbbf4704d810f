package netdisk.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import netdisk.protocol.BackgroundDigest;
import netdisk.protocol.Sha256;
import netdisk.protocol.WriteBehind;

/**
 * A {@link BlobWriter} for {@link FileBlobStore}: hashes exactly the bytes that reached the temporary file.
 *
 * <p>Usually the file is a new temporary file of its own, which an abort deletes. A resumed upload writes into a
 * {@link PartialFile} instead, appending to what it holds and hashing on from a digest of that ({@link #onPartial}):
 * that file belongs to its holder, so an abort leaves it as it is (the holder keeps it or discards it) and only a
 * commit moves it, into the blob's place, before the holder lets go of it.
 *
 * <p>Not thread-safe: one upload, one thread.
 */
final class FileBlobWriter implements BlobWriter {

    private enum State { OPEN, SEALED, COMMITTED, ABORTED }

    static final long BACKGROUND_HASHING_FROM = 4L << 20;
    /** The buffer lent for the first {@value #BACKGROUND_HASHING_FROM} bytes: small, as most blobs are. */
    private static final int LENT_BUFFER = 64 << 10;
    /**
     * Uploads hashed beside their writes at once in this JVM, at most: each holds a {@link BackgroundDigest}'s 4 MiB
     * of direct memory, which the worker's heap size also bounds (256 MiB); past them an upload hashes on its own
     * thread, slower but never refused, so that many stalled big uploads cannot exhaust it.
     */
    static final int MAX_BACKGROUND_HASHERS = 16;
    private static final Semaphore HASHERS = new Semaphore(MAX_BACKGROUND_HASHERS);

    private final FileBlobStore store;
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    /** Whether this writer's file is its own to close and delete (not a held {@link PartialFile}). */
    private final boolean ownsFile;
    private long size;
    private State state = State.OPEN;
    private BlobId sealed;
    /** Started once the blob is big enough for the final fsync to matter. */
    private WriteBehind writeBehind;
    /** Started once the blob is big enough for hashing beside the writes to pay for a thread and its buffers. */
    private BackgroundDigest background;
    /** No place for a hashing thread was free when the blob grew big enough: it is hashed on the writer's thread. */
    private boolean hashingHere;
    /** The buffer {@link #buffer()} lends before {@link #background} starts; null until then. */
    private ByteBuffer lent;

    FileBlobWriter(FileBlobStore store, Path file, FileChannel channel) {
        this(store, file, channel, Sha256.newDigest(), 0, true);
    }

    private FileBlobWriter(FileBlobStore store, Path file, FileChannel channel, MessageDigest digest, long size,
            boolean ownsFile) {
        this.store = store;
        this.file = file;
        this.channel = channel;
        this.digest = digest;
        this.size = size;
        this.ownsFile = ownsFile;
    }

    /**
     * A writer appending to {@code partial}, whose bytes {@code held} has hashed (the first {@code partial.size()}
     * bytes of the blob).
     */
    static FileBlobWriter onPartial(FileBlobStore store, PartialFile partial, MessageDigest held) throws IOException {
        long size = partial.size();
        partial.channel().position(size);
        return new FileBlobWriter(store, partial.path(), partial.channel(), held, size, false);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        ensureOpen();
        ByteBuffer written = source.duplicate();
        int count = channel.write(source);
        written.limit(written.position() + count);
        wrote(count);
        if (background != null) {
            background.update(written);
        } else {
            digest.update(written);
        }
        flushBehind();
        return count;
    }

    /**
     * From the background digest's pool once hashing runs beside the writes, so that {@link #accept} hands the
     * buffer itself to the hasher; before that, one buffer of this writer's own.
     */
    @Override
    public ByteBuffer buffer() throws IOException {
        ensureOpen();
        if (background != null) {
            return background.buffer();
        }
        if (lent == null) {
            lent = ByteBuffer.allocateDirect(LENT_BUFFER);
        }
        return lent.clear();
    }

    @Override
    public void accept(ByteBuffer filled) throws IOException {
        ensureOpen();
        int start = filled.position();
        while (filled.hasRemaining()) {
            channel.write(filled);
        }
        wrote(filled.position() - start);
        filled.position(start);
        if (background == null) {
            digest.update(filled);
        } else if (filled == lent) {
            background.update(filled); // filled while hashing started: copied into its pool, this once
        } else {
            background.hash(filled); // one of its pool's: handed over, not copied
        }
        flushBehind();
    }

    /** Counts {@code count} more bytes written, and starts hashing beside the writes once the blob is big enough. */
    private void wrote(int count) {
        size += count;
        if (background == null && !hashingHere && size >= BACKGROUND_HASHING_FROM) {
            if (HASHERS.tryAcquire()) {
                background = new BackgroundDigest(digest);
            } else {
                hashingHere = true;
            }
        }
    }

    private void flushBehind() throws IOException {
        if (writeBehind == null && size >= WriteBehind.STEP) {
            writeBehind = new WriteBehind(channel);
        }
        if (writeBehind != null) {
            writeBehind.written(size);
            if (writeBehind.failure() != null) {
                throw writeBehind.failure();
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public BlobId seal(Optional<String> expectedSha256, Durability durability) throws IOException {
        if (state == State.SEALED) {
            return sealed;
        }
        ensureOpen();
        try {
            stopWriteBehind();
            if (durability == Durability.NOW) {
                channel.force(true);
            }
            if (ownsFile) {
                channel.close();
            }
            byte[] hash;
            try {
                hash = background != null ? background.finish() : digest.digest();
            } finally {
                releaseHasher();
            }
            BlobId blob = BlobId.of(hash, size);
            if (expectedSha256.isPresent() && !expectedSha256.get().equalsIgnoreCase(blob.sha256())) {
                throw new BlobHashMismatchException(expectedSha256.get(), blob.sha256());
            }
            sealed = blob;
            state = State.SEALED;
            return blob;
        } finally {
            if (state != State.SEALED) {
                abort();
            }
        }
    }

    @Override
    public BlobId commit(Optional<String> expectedSha256, Durability durability) throws IOException {
        BlobId blob = seal(expectedSha256, durability);
        try {
            Path target = store.pathOf(blob.sha256());
            store.createParents(target, durability == Durability.NOW);
            if (Files.exists(target)) {
                Files.delete(file);
            } else {
                try {
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException e) {
                    // its fan-out directory was removed behind the server's back: made again
                    store.forgetParents(target);
                    store.createParents(target, durability == Durability.NOW);
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("blob temporary files and blobs on different file systems", e);
                }
                if (durability == Durability.NOW) {
                    FileBlobStore.forceDirectory(target.getParent());
                }
            }
            state = State.COMMITTED;
            return blob;
        } finally {
            if (state != State.COMMITTED) {
                abort();
            }
        }
    }

    @Override
    public void abort() throws IOException {
        if (state == State.COMMITTED || state == State.ABORTED) {
            return;
        }
        state = State.ABORTED;
        stopHashing();
        stopWriteBehind();
        if (!ownsFile) {
            return; // the partial's holder keeps it or discards it
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void stopHashing() {
        if (background != null) {
            background.close();
            releaseHasher();
        }
    }

    /** This writer's hashing thread is done: its place goes to the next big upload. */
    private void releaseHasher() {
        if (background != null) {
            background = null;
            HASHERS.release();
        }
    }

    /** For tests: the places for hashing threads. */
    static Semaphore backgroundHashers() {
        return HASHERS;
    }

    private void stopWriteBehind() {
        if (writeBehind != null) {
            writeBehind.close();
            writeBehind = null;
        }
    }

    @Override
    public void close() throws IOException {
        abort();
    }

    private void ensureOpen() throws ClosedChannelException {
        if (state != State.OPEN) {
            throw new ClosedChannelException();
        }
    }
}
