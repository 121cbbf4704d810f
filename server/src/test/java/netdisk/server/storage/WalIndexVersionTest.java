package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WalIndexVersion} against the real thing: it must change exactly when SQLite's own {@code PRAGMA
 * data_version} does, whatever other connections commit, roll back, read or checkpoint.
 */
class WalIndexVersionTest {

    @TempDir
    Path data;

    private TestDatabase db;
    private HikariDataSource pool;
    private Path file;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        assumeFalse(TestDatabase.postgres(), "the WAL index is SQLite's");
        db = TestDatabase.open(data);
        pool = db.migrated();
        file = data.toRealPath().resolve(MetadataDatabase.SQLITE_FILE);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closing : opened.reversed()) {
            closing.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void readsTheIndexOfADatabaseInWalMode() throws Exception {
        assertThat(opened(WalIndexVersion.open(pool.getDataSource(), file))).isInstanceOf(WalIndexVersion.class);
    }

    @Test
    void changesExactlyWhenDataVersionDoes() throws Exception {
        MetadataVersion index = opened(WalIndexVersion.open(pool.getDataSource(), file));
        MetadataVersion pragma = opened(SqliteDataVersion.open(pool.getDataSource()));
        JdbcMetadataStore other = opened(JdbcMetadataStore.openSqlite(data)); // another pool, as another worker
        var random = new Random(20261129);
        long lastIndex = index.current();
        long lastPragma = pragma.current();
        int changes = 0;
        for (int step = 0; step < 300; step++) {
            String did = doSomething(random.nextInt(6), step, other);
            long nowIndex = index.current();
            long nowPragma = pragma.current();
            assertThat(nowIndex != lastIndex).as("step %d (%s): the index changed", step, did)
                    .isEqualTo(nowPragma != lastPragma);
            if (nowPragma != lastPragma) {
                changes++;
            }
            lastIndex = nowIndex;
            lastPragma = nowPragma;
        }
        assertThat(changes).as("steps that changed the database").isGreaterThan(100);
    }

    /** One of: a commit by another pool, one by the same pool, a read, a rollback, a checkpoint of either kind. */
    private String doSomething(int what, int step, JdbcMetadataStore other) throws Exception {
        switch (what) {
            case 0 -> other.createUser(Name.of("u" + step), "hash", OptionalLong.empty());
            case 1 -> JdbcMetadataStore.create(pool, Clock.systemUTC())
                    .createUser(Name.of("s" + step), "hash", OptionalLong.empty());
            case 2 -> other.findUser(Name.of("u" + (step - 1)));
            case 3 -> execute("BEGIN IMMEDIATE; INSERT INTO users (name, password_hash, created_at) VALUES ('r"
                    + step + "', 'x', 0); ROLLBACK");
            case 4 -> execute("PRAGMA wal_checkpoint(PASSIVE)");
            default -> execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        return List.of("commit by another pool", "commit by the same pool", "read", "rollback",
                "passive checkpoint", "truncating checkpoint").get(what);
    }

    private void execute(String statements) throws Exception {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements.split("; ")) {
                statement.execute(sql);
            }
        }
    }

    @Test
    void fallsBackOnDataVersionWhenTheIndexIsMissingOrUnknown() throws Exception {
        Path elsewhere = Files.createDirectories(data.resolve("elsewhere")).resolve("metadata.db");
        assertThat(opened(WalIndexVersion.open(pool.getDataSource(), elsewhere)))
                .isInstanceOf(SqliteDataVersion.class);

        Files.write(elsewhere.resolveSibling("metadata.db-shm"), new byte[4096]); // all zeros: never built
        MetadataVersion fallback = opened(WalIndexVersion.open(pool.getDataSource(), elsewhere));
        assertThat(fallback).isInstanceOf(SqliteDataVersion.class);
        long before = fallback.current();
        JdbcMetadataStore.create(pool, Clock.systemUTC()).createUser(Name.of("zed"), "hash", OptionalLong.empty());
        assertThat(fallback.current()).isNotEqualTo(before);
    }

    @Test
    void aClosedVersionAnswersNoMore() throws Exception {
        MetadataVersion index = WalIndexVersion.open(pool.getDataSource(), file);
        index.current();
        index.close();
        index.close();
        assertThatThrownBy(index::current).isInstanceOf(MetadataException.class);
    }
}
