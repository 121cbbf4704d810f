package netdisk.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.stream.Stream;

/**
 * File contents, addressed by their SHA-256 ({@link BlobId}).
 *
 * <p>The store knows nothing of names, owners or reference counts: those live in the {@link MetadataStore}. The
 * two are kept consistent by ordering alone: a blob is committed <em>before</em> metadata refers to it, its content
 * durably and its name durably or recoverably (see {@link #restore}), and deleted only <em>after</em> the metadata
 * transaction that dropped its last reference has committed. A crash can therefore leave an unreferenced blob
 * (garbage, see {@link #list()}), never a reference to a blob that start-up cannot find or put back.
 */
public interface BlobStore {

    /** Starts writing a new blob. */
    BlobWriter begin() throws IOException;

    /**
     * Starts writing a new blob whose SHA-256 is known before its content (a small file sent whole; the content must
     * still hash to it, see {@link BlobWriter#seal}): its temporary file is named after it, so that a commit whose
     * rename a crash undid can be put back from it at start-up ({@link #restore}).
     */
    BlobWriter begin(String sha256) throws IOException;

    /**
     * Goes on writing a blob whose first bytes a held {@link PartialFile} holds, {@code held} being a digest of those
     * bytes ({@link PartialFile#hash}): the writer appends to the partial file, and its commit moves that file into
     * the blob's place. Aborting the writer leaves the partial file to its holder.
     */
    BlobWriter resume(PartialFile partial, MessageDigest held) throws IOException;

    /**
     * Opens a committed blob for reading.
     *
     * @throws java.nio.file.NoSuchFileException no such blob
     */
    FileChannel open(BlobId blob) throws IOException;

    boolean exists(BlobId blob) throws IOException;

    /** Deletes a blob; returns whether it existed. The caller has made sure nothing refers to it any more. */
    boolean delete(BlobId blob) throws IOException;

    /** The hashes of every committed blob, for start-up reconciliation with the metadata. */
    Stream<String> list() throws IOException;

    /**
     * Puts back what a crash undid of commits left to the file system ({@link BlobWriter.Durability#LATER}): every
     * temporary file of {@link #begin(String)} whose blob is missing, {@code referenced}, and hashes as its name says
     * is renamed into the blob's place, durably. Only safe at start-up, before {@link #sweepTemporaryFiles} (which
     * removes whatever is left); returns how many blobs were put back.
     */
    int restore(Referenced referenced) throws IOException, MetadataException;

    /** Whether the metadata refers to the blob of a SHA-256. */
    @FunctionalInterface
    interface Referenced {
        boolean test(String sha256) throws MetadataException;
    }

    /**
     * Deletes every temporary file; returns how many there were. Only safe when no writer is open, i.e. at start-up
     * before any session runs.
     */
    int sweepTemporaryFiles() throws IOException;

    /**
     * Makes durable everything that writers sealed or committed with {@link BlobWriter.Durability#LATER}: one sync
     * for a whole batch of small blobs.
     */
    void syncAll() throws IOException;
}
