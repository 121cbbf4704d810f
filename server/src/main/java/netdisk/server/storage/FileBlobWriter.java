package netdisk.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;

import netdisk.protocol.BackgroundDigest;
import netdisk.protocol.Sha256;

/**
 * A {@link BlobWriter} for {@link FileBlobStore}: hashes exactly the bytes that reached the temporary file.
 *
 * <p>Not thread-safe: one upload, one thread.
 */
final class FileBlobWriter implements BlobWriter {

    private enum State { OPEN, SEALED, COMMITTED, ABORTED }

    static final long BACKGROUND_HASHING_FROM = 4L << 20;

    private final FileBlobStore store;
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    private long size;
    private State state = State.OPEN;
    private BlobId sealed;
    /** Started once the blob is big enough for the final fsync to matter. */
    private WriteBehind writeBehind;
    /** Started once the blob is big enough for hashing beside the writes to pay for a thread and its buffers. */
    private BackgroundDigest background;

    FileBlobWriter(FileBlobStore store, Path file, FileChannel channel) {
        this.store = store;
        this.file = file;
        this.channel = channel;
        this.digest = Sha256.newDigest();
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        ensureOpen();
        ByteBuffer written = source.duplicate();
        int count = channel.write(source);
        written.limit(written.position() + count);
        size += count;
        if (background == null && size >= BACKGROUND_HASHING_FROM) {
            background = new BackgroundDigest(digest);
        }
        if (background != null) {
            background.update(written);
        } else {
            digest.update(written);
        }
        if (writeBehind == null && size >= WriteBehind.STEP) {
            writeBehind = new WriteBehind(channel);
        }
        if (writeBehind != null) {
            writeBehind.written(size);
            if (writeBehind.failure() != null) {
                throw writeBehind.failure();
            }
        }
        return count;
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
    public BlobId seal(Optional<String> expectedSha256) throws IOException {
        if (state == State.SEALED) {
            return sealed;
        }
        ensureOpen();
        try {
            stopWriteBehind();
            channel.force(true);
            channel.close();
            byte[] hash = background != null ? background.finish() : digest.digest();
            background = null;
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
    public BlobId commit(Optional<String> expectedSha256) throws IOException {
        BlobId blob = seal(expectedSha256);
        try {
            Path target = store.pathOf(blob.sha256());
            store.createParents(target);
            if (Files.exists(target)) {
                Files.delete(file);
            } else {
                try {
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("blob temporary files and blobs on different file systems", e);
                }
                FileBlobStore.forceDirectory(target.getParent());
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
        try {
            stopHashing();
            stopWriteBehind();
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void stopHashing() {
        if (background != null) {
            background.close();
            background = null;
        }
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
