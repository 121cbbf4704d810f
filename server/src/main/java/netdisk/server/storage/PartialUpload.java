package netdisk.server.storage;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kept upload claimed by one upload in progress ({@link PartialUploads#claim}): its {@link PartialFile}, held, and
 * its row. Exactly one of {@link #keep}, {@link #discard} or {@link #finished} ends it, or {@link #close()}, which
 * leaves it as it is; each releases the file.
 *
 * <p>None of them throws for the database: a row that could not be updated or deleted is at worst a row whose file
 * is gone, or a row that expires a little early, both of which the expiry copes with. They are logged.
 */
public final class PartialUpload implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartialUpload.class);

    private final PartialFile file;
    private final UnfinishedUploads rows;

    PartialUpload(PartialFile file, UnfinishedUploads rows) {
        this.file = file;
        this.rows = rows;
    }

    public PartialFile file() {
        return file;
    }

    /**
     * The upload broke off: keeps what the file holds for a later resume if that is at least
     * {@link PartialUploads#MIN_KEPT} (forced to disk first, the row marked used), discards it otherwise. Returns the
     * bytes kept, 0 if none.
     */
    public long keep() throws IOException {
        try (file) {
            long held = file.size();
            if (held < PartialUploads.MIN_KEPT) {
                discard();
                return 0;
            }
            file.force();
            try {
                rows.touch(file.id());
            } catch (MetadataException e) {
                log.warn("kept unfinished upload {} ({} bytes), but could not mark it used: {}", file.id(), held,
                        e.getMessage());
            }
            log.info("kept unfinished upload {}: {} bytes, to be resumed", file.id(), held);
            return held;
        }
    }

    /** Deletes the file and its row: nothing is kept. */
    public void discard() throws IOException {
        try (file) {
            file.delete();
            forgetRow();
        }
    }

    /** The upload is stored: the file became a blob (moved away); deletes the row. */
    public void finished() throws IOException {
        try (file) {
            forgetRow();
        }
    }

    /** Releases the file, leaving file and row as they are. */
    @Override
    public void close() throws IOException {
        file.close();
    }

    private void forgetRow() {
        try {
            rows.delete(file.id());
        } catch (MetadataException e) {
            log.warn("could not delete the row of unfinished upload {} (the expiry will): {}", file.id(),
                    e.getMessage());
        }
    }
}
