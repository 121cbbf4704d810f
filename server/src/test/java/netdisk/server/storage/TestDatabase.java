package netdisk.server.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The metadata database a storage or auth test runs on: SQLite in the test's temporary directory by default, or, when
 * the system property {@value #POSTGRES_PROPERTY} holds a JDBC URL ({@code jdbc:postgresql://HOST:PORT/DB?user=U}),
 * a schema of its own in that PostgreSQL database, created empty here and dropped with everything in it by
 * {@link #close}. Tests see the same thing either way: pools on one shared database, migrated by
 * {@link MetadataDatabase#migrate} unless they ask for it bare.
 *
 * <p>On SQLite this is exactly what the tests did before: {@link MetadataDatabase#openSqlite},
 * {@link MetadataDatabase#connectSqlite} and {@link JdbcMetadataStore#openSqlite} on the directory. The PostgreSQL
 * driver and Flyway's PostgreSQL module are test dependencies only; see {@code bench/postgres-check.sh}.
 */
public final class TestDatabase implements AutoCloseable {

    /** The system property that switches the tests to PostgreSQL. */
    public static final String POSTGRES_PROPERTY = "netdisk.test.postgres";

    /** Every schema made here starts with this, so that leftovers are easy to find. */
    public static final String SCHEMA_PREFIX = "netdisk_test_";

    private final Path dir;
    private final String postgresUrl;
    private final String schema;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private TestDatabase(Path dir, String postgresUrl, String schema) {
        this.dir = dir;
        this.postgresUrl = postgresUrl;
        this.schema = schema;
    }

    /** A new, empty database: SQLite in {@code dir}, or a fresh PostgreSQL schema (then {@code dir} is unused). */
    public static TestDatabase open(Path dir) throws SQLException {
        String url = System.getProperty(POSTGRES_PROPERTY, "").strip();
        if (url.isEmpty()) {
            return new TestDatabase(dir, null, null);
        }
        String schema = SCHEMA_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (Connection admin = DriverManager.getConnection(url);
             Statement create = admin.createStatement()) {
            create.execute("CREATE SCHEMA " + schema);
        }
        return new TestDatabase(dir, url, schema);
    }

    /** Whether the tests run on PostgreSQL ({@value #POSTGRES_PROPERTY} is set). */
    public static boolean postgres() {
        return !System.getProperty(POSTGRES_PROPERTY, "").isBlank();
    }

    /** Whether this database is PostgreSQL. */
    public boolean isPostgres() {
        return postgresUrl != null;
    }

    /** A new pool on this database, migrated to the newest schema. Closed by {@link #close} at the latest. */
    public HikariDataSource migrated() throws MetadataException {
        if (!isPostgres()) {
            return track(MetadataDatabase.openSqlite(dir));
        }
        HikariDataSource pool = connect();
        MetadataDatabase.migrate(pool);
        return pool;
    }

    /** A new pool on this database as it is, not migrated. Closed by {@link #close} at the latest. */
    public HikariDataSource connect() throws MetadataException {
        if (!isPostgres()) {
            return track(MetadataDatabase.connectSqlite(dir));
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgresUrl);
        config.addDataSourceProperty("currentSchema", schema);
        config.setPoolName("netdisk-test-" + schema);
        config.setMaximumPoolSize(MetadataDatabase.POOL_SIZE);
        config.setMinimumIdle(1);
        return track(new HikariDataSource(config));
    }

    /**
     * A store on a new, migrated pool. On SQLite it is {@link JdbcMetadataStore#openSqlite}, whose pool closes with
     * the store; on PostgreSQL {@link JdbcMetadataStore#create}, whose pool {@link #close} closes.
     */
    public JdbcMetadataStore openStore() throws MetadataException {
        if (!isPostgres()) {
            return JdbcMetadataStore.openSqlite(dir);
        }
        return JdbcMetadataStore.create(migrated(), Clock.systemUTC());
    }

    /** A store on a new, migrated pool that {@link #close} closes, whose times come from {@code clock}. */
    public JdbcMetadataStore openStore(Clock clock) throws MetadataException {
        return JdbcMetadataStore.create(migrated(), clock);
    }

    /**
     * Returns once some transaction waits for a lock that another holds: on PostgreSQL, when {@code pg_locks} shows a
     * lock not granted (or after 10 s); on SQLite, which shows no such thing (a waiting writer sleeps and retries
     * inside {@code busy_timeout}), after 300 ms. Tests use it to let a change run into a lock before releasing it.
     */
    public void awaitSomeoneWaitingForALock() throws SQLException, InterruptedException {
        if (!isPostgres()) {
            Thread.sleep(300);
            return;
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        try (Connection admin = DriverManager.getConnection(postgresUrl);
             Statement select = admin.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (var rows = select.executeQuery("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(5);
            }
        }
    }

    private HikariDataSource track(HikariDataSource pool) {
        synchronized (pools) {
            pools.add(pool);
        }
        return pool;
    }

    /** Closes every pool handed out; on PostgreSQL, drops the schema and everything in it. */
    @Override
    public void close() throws SQLException {
        synchronized (pools) {
            pools.forEach(HikariDataSource::close);
            pools.clear();
        }
        if (isPostgres()) {
            try (Connection admin = DriverManager.getConnection(postgresUrl);
                 Statement drop = admin.createStatement()) {
                drop.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Override
    public String toString() {
        return isPostgres() ? "PostgreSQL schema " + schema : "SQLite in " + dir;
    }
}
