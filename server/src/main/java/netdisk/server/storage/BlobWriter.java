package netdisk.server.storage;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

import netdisk.protocol.ContentSink;
import java.util.Optional;

/**
 * One blob being written: bytes go to a private temporary file and into a SHA-256 digest at the same time. They come
 * in through {@link #write} (from a buffer of the caller's) or, for a receiving loop, through the buffers the writer
 * lends ({@link ContentSink}: no copy for the hashing).
 *
 * <p>Exactly one of {@link #commit} or {@link #abort} ends it. {@link #close()} without a commit aborts, so a
 * {@code try}-with-resources block never leaves a temporary file behind, whatever is thrown inside it.
 */
public interface BlobWriter extends WritableByteChannel, ContentSink {

    /** When what {@link #seal} and {@link #commit} did reaches the disk. */
    enum Durability {
        /** Before they return: an {@code fsync} of the file, and of each directory they changed. */
        NOW,
        /**
         * When the caller next calls {@link BlobStore#syncAll()}, which it must do between {@link #seal} and anything
         * referring to the blob: many blobs of a batch then cost one sync instead of one {@code fsync} each. A
         * {@link #commit}'s rename may be left to the file system if the writer came from
         * {@link BlobStore#begin(String)}: if a crash undoes it, start-up puts the blob back from its temporary file
         * ({@link BlobStore#restore}), whose content that sync made durable.
         */
        LATER
    }

    /** {@link #seal(Optional, Durability) seal} durably now. */
    default BlobId seal(Optional<String> expectedSha256) throws IOException {
        return seal(expectedSha256, Durability.NOW);
    }

    /** {@link #commit(Optional, Durability) commit} durably now. */
    default BlobId commit(Optional<String> expectedSha256) throws IOException {
        return commit(expectedSha256, Durability.NOW);
    }

    /** Bytes written so far. */
    long size();

    /**
     * Ends writing: forces the temporary file to disk and compares its hash with {@code expectedSha256} (if given).
     * The blob is not visible yet; {@link #commit} makes it so. This is the slow part of a commit (the fsync), kept
     * apart so that it can run outside the {@link BlobLock}. Idempotent once it succeeded.
     *
     * @throws BlobHashMismatchException the contents do not hash to {@code expectedSha256}; the temporary file is gone
     * @throws IOException the file could not be forced; the temporary file is gone
     */
    BlobId seal(Optional<String> expectedSha256, Durability durability) throws IOException;

    /**
     * Makes the blob visible: {@link #seal seals} it if that was not done, renames it atomically to its content
     * address and forces the directory. If a blob with the same contents already exists, the temporary file is
     * deleted instead (identical contents are stored once). Hold the {@link BlobLock} from here until the metadata
     * refers to the blob, or a concurrent deletion of the existing blob could win the race.
     *
     * @throws BlobHashMismatchException the contents do not hash to {@code expectedSha256}; the temporary file is gone
     * @throws IOException the blob could not be stored; the temporary file is gone
     */
    BlobId commit(Optional<String> expectedSha256, Durability durability) throws IOException;

    /** Deletes the temporary file; the store is as if this writer never existed. Idempotent. */
    void abort() throws IOException;

    /** Aborts unless committed. */
    @Override
    void close() throws IOException;
}
