package netdisk.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock, shared by every thread of every worker process on a data directory, around the two steps that race on a
 * blob file: making a blob visible and referring to it ({@link BlobWriter#commit} then
 * {@link MetadataStore#addFile}), and deleting a blob that looked unreferenced.
 *
 * <p>Without it, upload A finds blob X already stored and drops its own copy; deletion B, whose transaction just took
 * X's last reference, deletes X's file; A's metadata then refers to a file that is gone. Under the lock, B checks
 * again that nothing refers to X before it deletes it, and A's reference is either committed before that check or
 * made after A has put its own copy in place.
 *
 * <p>Across processes it is an {@code fcntl} lock on {@code DATA/blobs.lock}; within a JVM a {@link ReentrantLock}
 * comes first, because file locks belong to a process, not a thread. Held for milliseconds (a rename, a directory
 * fsync, one small transaction), never while content is received.
 */
public final class BlobLock implements AutoCloseable {

    /** A held lock; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    private final FileChannel channel;
    private final ReentrantLock local = new ReentrantLock();

    private BlobLock(FileChannel channel) {
        this.channel = channel;
    }

    public static BlobLock open(Path dataDir) throws IOException {
        Path file = Files.createDirectories(dataDir).resolve("blobs.lock");
        return new BlobLock(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /** Waits for the lock. */
    public Held lock() throws IOException {
        local.lock();
        FileLock fileLock;
        try {
            fileLock = channel.lock();
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
        return () -> {
            try {
                fileLock.release();
            } finally {
                local.unlock();
            }
        };
    }

    /**
     * Deletes {@code blob} if, checked under this lock, no file refers to it any more; returns whether it was deleted.
     * The way to delete a blob that a committed change reported orphaned.
     */
    public boolean deleteIfUnreferenced(MetadataStore metadata, BlobStore blobs, BlobId blob)
            throws IOException, MetadataException {
        try (Held held = lock()) {
            return !metadata.isReferenced(blob.sha256()) && blobs.delete(blob);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
