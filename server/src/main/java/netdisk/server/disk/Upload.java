package netdisk.server.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

import netdisk.protocol.ContentSink;
import netdisk.protocol.ErrorCode;
import netdisk.server.storage.BlobWriter;
import netdisk.server.storage.Node;
import netdisk.server.storage.PartialUpload;
import netdisk.server.storage.User;

/**
 * One upload in progress: the content goes into a new blob, and only {@link #commit()} makes it a file in the user's
 * tree. Closing it without a commit deletes what was received, so a failed or abandoned upload leaves nothing.
 *
 * <p>A resumable upload ({@link Disk#beginResumableUpload}) writes into a kept partial upload instead, maybe after
 * bytes an earlier attempt left there ({@link #offset()}). If the client stops sending ({@link #keepForResume()}),
 * closing it keeps what arrived, when that is enough, for the next attempt; any other failure discards it too.
 */
public final class Upload implements AutoCloseable {

    private final Disk disk;
    private final User user;
    private final Node directory;
    private final DiskPath path;
    private final long size;
    private final BlobWriter writer;
    private final PartialUpload partial;
    private final long offset;
    private boolean keep;
    private boolean committed;

    /** An upload into a temporary file of its own, from byte 0. */
    Upload(Disk disk, User user, Node directory, DiskPath path, long size, BlobWriter writer) {
        this(disk, user, directory, path, size, writer, null, 0);
    }

    /** An upload into {@code partial}, which holds the first {@code offset} bytes already. */
    Upload(Disk disk, User user, Node directory, DiskPath path, long size, BlobWriter writer, PartialUpload partial,
            long offset) {
        this.disk = disk;
        this.user = user;
        this.directory = directory;
        this.path = path;
        this.size = size;
        this.writer = writer;
        this.partial = partial;
        this.offset = offset;
    }

    public DiskPath path() {
        return path;
    }

    /** The first byte the client must send: 0, or how many an earlier attempt left that this one resumes after. */
    public long offset() {
        return offset;
    }

    /** Whether what arrives is kept if the upload breaks off ({@link #keepForResume()}). */
    public boolean isResumable() {
        return partial != null;
    }

    /**
     * Where a receiving loop puts the content, read straight into the buffers it lends: hashed and stored like
     * {@link #content()}'s, without a copy for the hashing.
     */
    public ContentSink sink() {
        return writer;
    }

    /** Where the content goes: bytes written here are hashed and stored. */
    public WritableByteChannel content() {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer source) throws IOException {
                return writer.write(source);
            }

            @Override
            public boolean isOpen() {
                return writer.isOpen();
            }

            @Override
            public void close() {
                // the upload owns the writer: commit() or close() ends it
            }
        };
    }

    /**
     * Makes the received content the file at {@link #path()}: durable (fsynced), deduplicated, then visible.
     *
     * @param expectedSha256 what the content must hash to, if the client said (else it is only stored by its hash)
     * @throws DiskException the file cannot be added (the content does not match {@code expectedSha256}, the quota
     *     was reached meanwhile, the directory is gone); nothing was stored
     * @throws IOException the content could not be made durable
     */
    public Node commit(Optional<String> expectedSha256) throws DiskException, IOException {
        if (writer.size() != size) {
            throw new DiskException(ErrorCode.TRANSFER_FAILED,
                    path + ": received " + writer.size() + " of " + size + " bytes");
        }
        Node stored = disk.publish(user, directory, path, writer, expectedSha256);
        committed = true;
        if (partial != null) {
            partial.finished(); // before the client hears of it: no row outlives a stored upload it could see
        }
        return stored;
    }

    /**
     * The client stopped sending: closing keeps what arrived for a later resume, if this upload is resumable, that is
     * at least {@link netdisk.server.storage.PartialUploads#MIN_KEPT}, and the user's quota has room for it
     * ({@link Disk#mayKeep}). Otherwise it changes nothing.
     */
    public void keepForResume() {
        keep = true;
    }

    /** Ends the upload: nothing if it was committed; else what was received is deleted, or kept for a resume. */
    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            if (partial != null && !committed) {
                if (keep && disk.mayKeep(user, partial)) {
                    partial.keep();
                } else {
                    partial.discard();
                }
            }
        }
    }
}
