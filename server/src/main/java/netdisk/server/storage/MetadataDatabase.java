package netdisk.server.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Opens the metadata database and brings its schema up to date.
 *
 * <p>The default is SQLite in {@code DATA/metadata.db}, set up for several processes (the worker JVMs) sharing one
 * file:
 * <ul>
 *   <li>WAL journal: readers never block the writer nor each other;</li>
 *   <li>{@code synchronous=FULL}: a committed transaction survives power loss, which the blob ordering relies on
 *       (a blob is deleted only after the transaction that dropped its last reference is durable);</li>
 *   <li>{@code foreign_keys=ON}: SQLite enforces foreign keys only when asked, per connection;</li>
 *   <li>write transactions {@code BEGIN IMMEDIATE} plus {@code busy_timeout}: SQLite has one writer at a time, and a
 *       transaction that starts as a reader and then writes can fail with SQLITE_BUSY at once when another writer
 *       got in first (busy_timeout cannot help there). Taking the write lock at {@code BEGIN} makes writers queue
 *       for up to the timeout instead, across threads and processes alike. Reads run in auto-commit and do not
 *       take it.</li>
 * </ul>
 * A small Hikari pool ({@value #POOL_SIZE} connections) lets reads run in parallel with the one writer; a bigger pool
 * would only add waiting writers.
 *
 * <p>Migrations are Flyway's {@code classpath:db/migration}; the SQL is PostgreSQL-compatible except for the
 * auto-generated id column, supplied as the placeholder {@code id_column} for the database at hand. {@link #migrate}
 * works on a PostgreSQL data source when the PostgreSQL JDBC driver and Flyway's {@code flyway-database-postgresql}
 * module are on the class path (Flyway answers "Unsupported Database" otherwise); today only the tests put them there
 * ({@code bench/postgres-check.sh} runs the storage and auth tests on PostgreSQL).
 */
public final class MetadataDatabase {

    /** The SQLite file inside the data directory. */
    public static final String SQLITE_FILE = "metadata.db";

    static final int POOL_SIZE = 4;
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private MetadataDatabase() {
    }

    /** A pooled data source for {@code dataDir/metadata.db}, migrated to the newest schema. */
    public static HikariDataSource openSqlite(Path dataDir) throws MetadataException {
        HikariDataSource dataSource = connectSqlite(dataDir);
        try {
            migrate(dataSource);
        } catch (MetadataException | RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    /**
     * A pooled data source for {@code dataDir/metadata.db} as it is, for workers: the master migrated it before
     * starting them, and a worker that loaded Flyway would start slower and bigger for nothing.
     */
    public static HikariDataSource connectSqlite(Path dataDir) throws MetadataException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path file;
        try {
            file = Files.createDirectories(dataDir).toRealPath().resolve(SQLITE_FILE);
            if (!Files.exists(file)) {
                // Password hashes and everyone's file names: owner only. SQLite gives its -wal and -shm files the
                // permissions of the database file, so creating it first, with 0600, covers them too.
                try {
                    Files.createFile(file,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first, with the same permissions
                }
            }
        } catch (java.io.IOException e) {
            throw new MetadataException("cannot create data directory " + dataDir, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + file);

        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setPoolName("netdisk-metadata");
        pool.setMaximumPoolSize(POOL_SIZE);
        pool.setMinimumIdle(1);
        return new HikariDataSource(pool);
    }

    /** Applies the migrations that {@code dataSource} has not seen yet; returns how many ran (0 when up to date). */
    public static int migrate(DataSource dataSource) throws MetadataException {
        return migrate(dataSource, MigrationVersion.LATEST);
    }

    /**
     * {@link #migrate} up to version {@code target} and no further: for tests that need a database as an older
     * release left it.
     */
    static int migrate(DataSource dataSource, MigrationVersion target) throws MetadataException {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new MetadataException("cannot connect to the metadata database", e);
        }
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("id_column", idColumn(product)))
                .failOnMissingLocations(true)
                .target(target)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    private static String idColumn(String product) throws MetadataException {
        return switch (product) {
            case "SQLite" -> "INTEGER PRIMARY KEY";
            case "PostgreSQL" -> "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
            default -> throw new MetadataException(MetadataException.Reason.STORAGE_ERROR,
                    "unsupported metadata database: " + product);
        };
    }
}
