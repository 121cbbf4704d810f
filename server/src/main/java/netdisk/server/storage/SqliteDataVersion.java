package netdisk.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

/**
 * SQLite's {@code PRAGMA data_version} on a connection of its own that never writes: its value changes exactly when
 * another connection, of this process or another, committed a change since the last call. In WAL mode the check
 * reads the shared-memory index only, without touching the database file, but under a read lock: three system calls
 * and the JDBC calls around them. {@link WalIndexVersion} reads that index directly, and holds one of these for its
 * connection and as its fallback.
 *
 * <p>A pooled connection would not do: the value is per connection, and one that wrote itself would not see its own
 * change.
 */
public final class SqliteDataVersion implements MetadataVersion {

    private final Connection connection;
    private final PreparedStatement query;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteDataVersion(Connection connection, PreparedStatement query) {
        this.connection = connection;
        this.query = query;
    }

    /** A connection of its own from {@code sqlite}, a data source of the metadata database (not a pool). */
    public static SqliteDataVersion open(DataSource sqlite) throws MetadataException {
        Connection connection = null;
        try {
            connection = sqlite.getConnection();
            return new SqliteDataVersion(connection, connection.prepareStatement("PRAGMA data_version"));
        } catch (SQLException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new MetadataException("cannot open a connection to watch the metadata for changes", e);
        }
    }

    @Override
    public long current() throws MetadataException {
        lock.lock();
        try (ResultSet result = query.executeQuery()) {
            if (!result.next()) {
                throw new MetadataException(MetadataException.Reason.STORAGE_ERROR, "PRAGMA data_version returned nothing");
            }
            return result.getLong(1);
        } catch (SQLException e) {
            throw new MetadataException("cannot read the metadata's data_version", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            query.close();
            connection.close();
        } catch (SQLException e) {
            // closing at exit: nothing to protect
        } finally {
            lock.unlock();
        }
    }
}
