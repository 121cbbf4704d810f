package netdisk.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Each user's usage as a counter, {@code users.used_bytes} (migration V4): the sum of the sizes of the user's files,
 * each file counted even when files share a blob. Reading it is one row, where summing the files was a scan of all of
 * them, which made every file added under a quota cost as much as the files already there.
 *
 * <p>{@link JdbcMetadataStore} moves it by the difference in every change that adds, replaces, copies or removes
 * files, in that change's transaction, while it holds the owner's row. A move changes no one's usage: files never
 * change owner, and a move onto an existing name is refused. Deleting a user deletes the counter with the row.
 */
final class UsageCounter {

    private UsageCounter() {
    }

    /** A user's usage and quota as stored. */
    record Reading(long usedBytes, OptionalLong quotaBytes) {
    }

    /** The user's usage and quota, read together from their row; empty if there is no such user. */
    static Optional<Reading> read(Connection connection, long ownerId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT used_bytes, quota_bytes FROM users WHERE id = ?")) {
            select.setLong(1, ownerId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                long used = rows.getLong(1);
                long quota = rows.getLong(2);
                return Optional.of(new Reading(used, rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(quota)));
            }
        }
    }

    /**
     * Moves the user's usage by {@code deltaBytes}, negative when files went or shrank. The caller's transaction holds
     * the owner's row ({@code JdbcMetadataStore.lockOwner}).
     */
    static void add(Connection connection, long ownerId, long deltaBytes) throws SQLException {
        if (deltaBytes == 0) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE users SET used_bytes = used_bytes + ? WHERE id = ?")) {
            update.setLong(1, deltaBytes);
            update.setLong(2, ownerId);
            update.executeUpdate();
        }
    }
}
