package netdisk.server.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import netdisk.protocol.Sha256;
import netdisk.server.OffCarrier;

/**
 * The rows of kept partial uploads ({@code unfinished_uploads}, migration V3): which user's upload of which path, size
 * and SHA-256 a partial file holds the beginning of, and when an upload last used it.
 *
 * <p>Every method is one prepared statement in auto-commit mode, so each is atomic by itself; the file side is
 * {@link PartialStore}, and {@link PartialUploads} keeps the two in step. A row is only ever changed by whoever holds
 * the lock of its partial file, except {@link #insert}, which happens once, by the upload that created the file.
 */
public final class UnfinishedUploads {

    private static final String COLUMNS = "partial_id, user_id, path, size, sha256, created_at, updated_at";

    /**
     * What a resuming upload must name to find its partial again.
     *
     * @param userId the uploading user
     * @param path the client's path, normalised ({@code DiskPath.toString()}: {@code /isos/big.iso})
     * @param size the whole content's size
     * @param sha256 the whole content's SHA-256, lower-case hex; empty for a streamed upload ({@code PutStream},
     *               protocol 1.4), whose SHA-256 comes only after its content
     */
    public record Key(long userId, String path, long size, String sha256) {

        /** The key of a streamed upload: no SHA-256 is known before its content. */
        public static Key streamed(long userId, String path, long size) {
            return new Key(userId, path, size, "");
        }

        public Key {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
            if (size < 0) {
                throw new IllegalArgumentException("negative size: " + size);
            }
            if (!sha256.isEmpty() && !BlobId.isSha256Hex(sha256)) {
                throw new IllegalArgumentException("not a lower-case SHA-256 hex digest: " + sha256);
            }
        }

        /**
         * The unique column {@code upload_key}: SHA-256 of the four, each written unambiguously (the path last, so
         * that whatever it holds cannot run into the others).
         */
        String digest() {
            MessageDigest digest = Sha256.newDigest();
            digest.update((userId + "\n" + size + "\n" + sha256 + "\n").getBytes(StandardCharsets.US_ASCII));
            digest.update(path.getBytes(StandardCharsets.UTF_8));
            return Sha256.hex(digest.digest());
        }
    }

    /** One kept upload. */
    public record Row(PartialId partial, Key key, Instant createdAt, Instant updatedAt) {
    }

    private final DataSource dataSource;
    private final Clock clock;

    /** Rows in the migrated {@code dataSource}, timed by {@code clock}. */
    public UnfinishedUploads(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The kept upload that an upload of {@code key} may resume, if there is one: the user's upload of the same path and
     * size, with the same SHA-256, or else one that was streamed (its SHA-256 unknown), or, for a streamed upload
     * (empty SHA-256), with any. The client's check of the first bytes decides whether they are its own, and the whole
     * content is checked when it is complete, as always.
     */
    public Optional<Row> find(Key key) throws MetadataException {
        return run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM unfinished_uploads"
                    + " WHERE user_id = ? AND path = ? AND size = ? AND (sha256 = ? OR sha256 = '' OR ? = '')"
                    + " ORDER BY CASE WHEN sha256 = ? THEN 0 ELSE 1 END, updated_at DESC LIMIT 1")) {
                select.setLong(1, key.userId());
                select.setString(2, key.path());
                select.setLong(3, key.size());
                select.setString(4, key.sha256());
                select.setString(5, key.sha256());
                select.setString(6, key.sha256());
                List<Row> rows = rows(select);
                return rows.isEmpty() ? Optional.<Row>empty() : Optional.of(rows.getFirst());
            }
        });
    }

    /**
     * Records that {@code partial} holds the upload of {@code key}; false (and nothing changed) if {@code key} has a
     * row already, which another upload of the same key made first.
     *
     * @throws MetadataException {@code STORAGE_ERROR}, also when the user no longer exists
     */
    public boolean insert(Key key, PartialId partial) throws MetadataException {
        long now = clock.millis();
        return write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO unfinished_uploads (partial_id,"
                    + " upload_key, user_id, path, size, sha256, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upload_key) DO NOTHING")) {
                insert.setString(1, partial.value());
                insert.setString(2, key.digest());
                insert.setLong(3, key.userId());
                insert.setString(4, key.path());
                insert.setLong(5, key.size());
                insert.setString(6, key.sha256());
                insert.setLong(7, now);
                insert.setLong(8, now);
                return insert.executeUpdate() == 1;
            }
        });
    }

    /** The announced sizes of the user's kept uploads, added up, leaving out {@code except}'s. */
    public long announcedBytes(long userId, PartialId except) throws MetadataException {
        return run(connection -> {
            try (PreparedStatement sum = connection.prepareStatement("SELECT COALESCE(SUM(size), 0)"
                    + " FROM unfinished_uploads WHERE user_id = ? AND partial_id <> ?")) {
                sum.setLong(1, userId);
                sum.setString(2, except.value());
                try (var rows = sum.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    /** Marks the row of {@code partial} as used now; false if it is gone. */
    public boolean touch(PartialId partial) throws MetadataException {
        long now = clock.millis();
        return write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE unfinished_uploads SET updated_at = ? WHERE partial_id = ?")) {
                update.setLong(1, now);
                update.setString(2, partial.value());
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Whether {@code partial} has a row. */
    public boolean exists(PartialId partial) throws MetadataException {
        return run(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM unfinished_uploads WHERE partial_id = ?")) {
                select.setString(1, partial.value());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    /** Deletes the row of {@code partial}; whether there was one. */
    public boolean delete(PartialId partial) throws MetadataException {
        return write(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM unfinished_uploads WHERE partial_id = ?")) {
                delete.setString(1, partial.value());
                return delete.executeUpdate() == 1;
            }
        });
    }

    /** Deletes the row of {@code partial} if no upload used it since {@code cutoff}; whether it did. */
    public boolean deleteIfUnusedSince(PartialId partial, Instant cutoff) throws MetadataException {
        return write(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM unfinished_uploads WHERE partial_id = ? AND updated_at < ?")) {
                delete.setString(1, partial.value());
                delete.setLong(2, cutoff.toEpochMilli());
                return delete.executeUpdate() == 1;
            }
        });
    }

    /** The rows no upload used since {@code cutoff}, oldest first. */
    public List<Row> unusedSince(Instant cutoff) throws MetadataException {
        return run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM unfinished_uploads WHERE updated_at < ? ORDER BY updated_at")) {
                select.setLong(1, cutoff.toEpochMilli());
                return rows(select);
            }
        });
    }

    /** The partials that have a row. */
    public Set<PartialId> partials() throws MetadataException {
        return run(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT partial_id FROM unfinished_uploads");
                 ResultSet rows = select.executeQuery()) {
                Set<PartialId> partials = new HashSet<>();
                while (rows.next()) {
                    partials.add(new PartialId(rows.getString(1)));
                }
                return partials;
            }
        });
    }

    private static List<Row> rows(PreparedStatement select) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                rows.add(new Row(new PartialId(row.getString("partial_id")),
                        new Key(row.getLong("user_id"), row.getString("path"), row.getLong("size"),
                                row.getString("sha256").strip()), // a CHAR column may pad an empty value
                        Instant.ofEpochMilli(row.getLong("created_at")),
                        Instant.ofEpochMilli(row.getLong("updated_at"))));
            }
        }
        return rows;
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A change, in auto-commit: off the carrier, since it may wait for the write lock and the commit's sync. */
    private <T> T write(Work<T> work) throws MetadataException {
        return OffCarrier.call(() -> run(work));
    }

    private <T> T run(Work<T> work) throws MetadataException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new MetadataException("metadata database error (unfinished uploads): " + e.getMessage(), e);
        }
    }
}
