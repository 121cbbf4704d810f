package netdisk.server.auth;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import netdisk.server.OffCarrier;
import netdisk.server.storage.MetadataException;

/**
 * How {@link SessionTokens} and {@link LoginThrottle} talk to the metadata database: a read in auto-commit mode, or a
 * change in one transaction, committed if the work returns and rolled back if it throws. Database failures become
 * {@link MetadataException}s ({@code STORAGE_ERROR}), as in the metadata store; the work may throw its own. Changes
 * run {@link OffCarrier off the carrier}.
 */
final class Transactions {

    /** One step of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, MetadataException;
    }

    private Transactions() {
    }

    static <T> T read(DataSource dataSource, Work<T> work) throws MetadataException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new MetadataException("metadata database error: " + e.getMessage(), e);
        }
    }

    /** Off the carrier: a change may wait for the write lock and the commit's sync. */
    static <T> T write(DataSource dataSource, Work<T> work) throws MetadataException {
        return OffCarrier.call(() -> writeHere(dataSource, work));
    }

    private static <T> T writeHere(DataSource dataSource, Work<T> work) throws MetadataException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | MetadataException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new MetadataException("metadata database error: " + e.getMessage(), e);
        }
    }
}
