package netdisk.server.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import netdisk.protocol.Sha256;

/**
 * A partial upload's file, held: open for reading and writing, locked against every other holder (see
 * {@link PartialStore}) until {@link #close()}. Everything done to the file goes through this one channel: on Linux,
 * closing another channel on the same file in this JVM would drop the lock.
 *
 * <p>Not thread-safe: one upload, one thread.
 */
public final class PartialFile implements AutoCloseable {

    private static final int HASH_BUFFER = 1 << 20;

    private final PartialId id;
    private final Path path;
    private final FileChannel channel;
    private final Runnable onClose;
    private boolean closed;

    PartialFile(PartialId id, Path path, FileChannel channel, Runnable onClose) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.onClose = onClose;
    }

    public PartialId id() {
        return id;
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    /** The bytes the file holds: after a crash, exactly what reached it before. */
    public long size() throws IOException {
        return channel.size();
    }

    /**
     * A SHA-256 digest fed with the file's first {@code length} bytes, read by position: its {@code clone()} gives the
     * prefix's hash, and the digest itself goes on hashing the rest of the upload.
     *
     * @throws EOFException if the file is shorter than {@code length}
     */
    public MessageDigest hash(long length) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        try {
            Sha256.update(digest, channel, 0, length,
                    ByteBuffer.allocateDirect((int) Math.clamp(length, 1, HASH_BUFFER)));
        } catch (EOFException e) {
            throw new EOFException("partial upload " + id + ": " + e.getMessage());
        }
        return digest;
    }

    /** Empties the file, to receive an upload from its first byte. */
    public void truncate() throws IOException {
        channel.truncate(0);
        channel.position(0);
    }

    /** Forces what the file holds to the disk. */
    public void force() throws IOException {
        channel.force(true);
    }

    /** Deletes the file (if it still is where it was); it stays held until {@link #close()}. */
    public void delete() throws IOException {
        Files.deleteIfExists(path);
    }

    /** Releases the lock and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close(); // releases the lock
        } finally {
            onClose.run();
        }
    }
}
