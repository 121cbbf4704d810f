package netdisk.server.storage;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads that broke off, kept so that the client can resume them: each is a row ({@link UnfinishedUploads}, found by
 * user, path, size and SHA-256) and a file ({@link PartialStore}, named by a random id) holding the bytes received.
 *
 * <p>How the two stay in step, whatever crashes when: an upload creates and holds its file first, then inserts the
 * row, so a file without a row is either held by its creator or garbage. Only the holder of a file changes its row or
 * the file. A finished upload renames the file into the blob store, then deletes the row; a discarded one deletes the
 * file, then the row; an expired one loses its row, then its file. So a crash leaves at worst a row whose file is
 * missing (resuming it finds nothing to offer and starts over, the expiry deletes it) or a file without a row (the
 * expiry deletes it, unless someone holds it).
 *
 * <p>Thread-safe; shared by the sessions of a worker, and used by the master for the expiry.
 */
public final class PartialUploads {

    /** The least a broken-off upload must have received to be kept (and offered for resuming): 1 MiB. */
    public static final long MIN_KEPT = 1L << 20;

    private static final Logger log = LoggerFactory.getLogger(PartialUploads.class);

    private final UnfinishedUploads rows;
    private final PartialStore files;

    public PartialUploads(UnfinishedUploads rows, PartialStore files) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.files = Objects.requireNonNull(files, "files");
    }

    /**
     * What the user's other kept uploads may grow to: their announced sizes added up, leaving out {@code except}
     * (the upload asking).
     */
    public long othersAnnounced(long userId, PartialId except) throws MetadataException {
        return rows.announcedBytes(userId, except);
    }

    /**
     * Claims the kept upload of {@code key} for an upload starting now: its file held and its row marked used, or,
     * when there is none, a new empty one. Empty when another upload of the same key holds it: that one goes on, and
     * the caller makes an ordinary upload, which nothing keeps.
     */
    public Optional<PartialUpload> claim(UnfinishedUploads.Key key) throws IOException, MetadataException {
        Objects.requireNonNull(key, "key");
        Optional<UnfinishedUploads.Row> row = rows.find(key);
        if (row.isPresent()) {
            Optional<PartialFile> held = files.tryHold(row.get().partial());
            if (held.isEmpty()) {
                return Optional.empty();
            }
            if (rows.touch(row.get().partial())) {
                return Optional.of(new PartialUpload(held.get(), rows));
            }
            // the row went (expired, or its upload finished) between finding and holding it: what was held is void
            try (PartialFile stale = held.get()) {
                stale.delete();
            }
        }
        PartialFile created = files.create();
        boolean inserted = false;
        try {
            inserted = rows.insert(key, created.id());
        } finally {
            if (!inserted) {
                try (created) {
                    created.delete(); // another upload of this key made its row first, or the insert failed
                }
            }
        }
        return inserted ? Optional.of(new PartialUpload(created, rows)) : Optional.empty();
    }

    /** What one {@link #expire} removed. */
    public record Expired(int uploads, int strayFiles) {
    }

    /**
     * Deletes the kept uploads that no upload used since {@code cutoff} (row and file), and partial files that have no
     * row (left by a crash between creating a file and its row, or by a deleted user), except those someone holds.
     */
    public Expired expire(Instant cutoff) throws IOException, MetadataException {
        int uploads = 0;
        for (UnfinishedUploads.Row row : rows.unusedSince(cutoff)) {
            PartialId id = row.partial();
            if (!files.exists(id)) {
                if (rows.deleteIfUnusedSince(id, cutoff)) {
                    uploads++;
                }
                continue;
            }
            Optional<PartialFile> held = files.tryHoldExisting(id);
            if (held.isEmpty()) {
                continue; // in use, or finished meanwhile
            }
            try (PartialFile file = held.get()) {
                if (rows.deleteIfUnusedSince(id, cutoff)) {
                    file.delete();
                    uploads++;
                    log.info("expired unfinished upload {} of user {} ({} of {} bytes, unused since {})", id,
                            row.key().userId(), file.size(), row.key().size(), row.updatedAt());
                }
            }
        }
        // the files first, then the rows: a file created after its row was listed would otherwise look stray
        List<PartialId> onDisk = files.list();
        Set<PartialId> withRow = rows.partials();
        int stray = 0;
        for (PartialId id : onDisk) {
            if (withRow.contains(id)) {
                continue;
            }
            Optional<PartialFile> held = files.tryHoldExisting(id);
            if (held.isEmpty()) {
                continue; // being created (its row follows), or gone meanwhile
            }
            try (PartialFile file = held.get()) {
                if (!rows.exists(id)) { // checked again under the lock: its creator may have inserted it since
                    file.delete();
                    stray++;
                }
            }
        }
        return new Expired(uploads, stray);
    }
}
