package netdisk.server.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of a user's tree, as read from the metadata store: a snapshot, not a live handle. Operations that take a
 * node use only its {@link #id()} and {@link #ownerId()}, and check again inside their transaction that it still
 * exists and is what they need.
 *
 * <p>The root directory of each user has no parent and the empty string as its name (the only node whose name is
 * not a {@link Name}). A file has a blob and its size; a directory has neither (size 0).
 */
public record Node(long id, long ownerId, OptionalLong parentId, String name, Kind kind, long size,
                   Optional<BlobId> blob, Instant createdAt, Instant modifiedAt) {

    /** What a node is; {@link #sql()} is the value of the {@code nodes.kind} column. */
    public enum Kind {
        DIRECTORY("dir"), FILE("file");

        private final String sql;

        Kind(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        static Kind fromSql(String value) {
            for (Kind kind : values()) {
                if (kind.sql.equals(value)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown node kind in database: " + value);
        }
    }

    public Node {
        Objects.requireNonNull(parentId, "parentId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(blob, "blob");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
    }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }

    public boolean isFile() {
        return kind == Kind.FILE;
    }

    public boolean isRoot() {
        return parentId.isEmpty();
    }
}
