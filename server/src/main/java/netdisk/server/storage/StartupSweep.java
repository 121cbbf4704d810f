package netdisk.server.storage;

import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What the master runs once at start-up, before any session, to mend what a crash left: first it puts back the blobs
 * of small files whose metadata committed while their renames had not reached the disk yet
 * ({@link BlobStore#restore}); then it removes temporary blob files of unfinished uploads, and committed blobs that no
 * file refers to (an upload committed to the blob store whose metadata transaction never happened, or a blob whose
 * last reference was dropped just before the crash). Those are garbage by the ordering rule in {@link BlobStore};
 * neither was ever visible to a client.
 *
 * <p>Not safe while uploads run: a blob committed but not yet added to the metadata would look unreferenced.
 */
public final class StartupSweep {

    /** What one sweep removed. */
    public record Result(int restoredBlobs, int temporaryFiles, int unreferencedBlobs) {
    }

    private StartupSweep() {
    }

    public static Result run(MetadataStore metadata, BlobStore blobs) throws IOException, MetadataException {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(blobs, "blobs");
        int restored = blobs.restore(metadata::isReferenced);
        int temporary = blobs.sweepTemporaryFiles();
        int unreferenced = 0;
        try (Stream<String> hashes = blobs.list()) {
            for (Iterator<String> it = hashes.iterator(); it.hasNext(); ) {
                String sha256 = it.next();
                if (!metadata.isReferenced(sha256) && blobs.delete(new BlobId(sha256, 0))) {
                    unreferenced++;
                }
            }
        }
        return new Result(restored, temporary, unreferenced);
    }
}
