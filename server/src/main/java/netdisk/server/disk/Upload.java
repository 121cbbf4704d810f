package netdisk.server.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

import netdisk.protocol.ErrorCode;
import netdisk.server.storage.BlobWriter;
import netdisk.server.storage.Node;
import netdisk.server.storage.User;

/**
 * One upload in progress: the content goes into a new blob, and only {@link #commit()} makes it a file in the user's
 * tree. Closing it without a commit deletes what was received, so a failed or abandoned upload leaves nothing.
 */
public final class Upload implements AutoCloseable {

    private final Disk disk;
    private final User user;
    private final Node directory;
    private final DiskPath path;
    private final long size;
    private final BlobWriter writer;

    Upload(Disk disk, User user, Node directory, DiskPath path, long size, BlobWriter writer) {
        this.disk = disk;
        this.user = user;
        this.directory = directory;
        this.path = path;
        this.size = size;
        this.writer = writer;
    }

    public DiskPath path() {
        return path;
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
        return disk.publish(user, directory, path, writer, expectedSha256);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
