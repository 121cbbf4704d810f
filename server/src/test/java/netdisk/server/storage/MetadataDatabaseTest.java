package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

class MetadataDatabaseTest {

    @TempDir
    Path data;

    @Test
    void migratesAFreshDatabaseAndIsIdempotentOnAnExistingOne() throws Exception {
        try (TestDatabase db = TestDatabase.open(data)) {
            HikariDataSource first = db.migrated();
            assertThat(tables(first)).contains("users", "nodes", "blobs", "sessions", "login_failures",
                    "unfinished_uploads", "flyway_schema_history");
            assertThat(MetadataDatabase.migrate(first)).isZero();
            first.close();
            if (!db.isPostgres()) {
                assertThat(data.resolve(MetadataDatabase.SQLITE_FILE)).exists();
            }

            HikariDataSource again = db.migrated();
            assertThat(MetadataDatabase.migrate(again)).isZero();
            assertThat(query(again, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = TRUE"))
                    .isEqualTo("3");
        }
    }

    /** SQLite only: how {@link MetadataDatabase#connectSqlite} sets up every connection. */
    @Test
    void connectionsUseWalForeignKeysAndABusyTimeout() throws Exception {
        try (HikariDataSource dataSource = MetadataDatabase.openSqlite(data)) {
            assertThat(query(dataSource, "PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
            assertThat(query(dataSource, "PRAGMA foreign_keys")).isEqualTo("1");
            assertThat(query(dataSource, "PRAGMA busy_timeout"))
                    .isEqualTo(String.valueOf(MetadataDatabase.BUSY_TIMEOUT_MILLIS));
            assertThat(query(dataSource, "PRAGMA synchronous")).isEqualTo("2");
        }
    }

    @Test
    void theSchemaAllowsOneRootPerUser() throws Exception {
        try (TestDatabase db = TestDatabase.open(data);
             HikariDataSource dataSource = db.migrated();
             JdbcMetadataStore store = JdbcMetadataStore.create(dataSource, java.time.Clock.systemUTC())) {
            User user = store.createUser(Name.of("u"), "h", java.util.OptionalLong.empty());
            try (Connection connection = dataSource.getConnection();
                 var insert = connection.prepareStatement("INSERT INTO nodes (owner_id, parent_id, name, kind, size,"
                         + " created_at, modified_at) VALUES (?, NULL, '', 'dir', 0, 0, 0)")) {
                insert.setLong(1, user.id());
                org.assertj.core.api.Assertions.assertThatThrownBy(insert::executeUpdate)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("unique"));
            }
        }
    }

    @Test
    void deletingAUserDeletesTheirSessionsAndNoOneElses() throws Exception {
        try (TestDatabase db = TestDatabase.open(data);
             HikariDataSource dataSource = db.migrated();
             JdbcMetadataStore store = JdbcMetadataStore.create(dataSource, java.time.Clock.systemUTC())) {
            User doomed = store.createUser(Name.of("doomed"), "h", java.util.OptionalLong.empty());
            User other = store.createUser(Name.of("other"), "h", java.util.OptionalLong.empty());
            insertSession(dataSource, "a".repeat(64), doomed);
            insertSession(dataSource, "b".repeat(64), doomed);
            insertSession(dataSource, "c".repeat(64), other);

            store.deleteUser(doomed);

            assertThat(store.findUser(Name.of("doomed"))).isEmpty();
            assertThat(column(dataSource, "SELECT token_sha256 FROM sessions")).containsExactly("c".repeat(64));
        }
    }

    private static void insertSession(HikariDataSource dataSource, String sha256, User user) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             var insert = connection.prepareStatement("INSERT INTO sessions (token_sha256, user_id, created_at,"
                     + " expires_at, last_used_at) VALUES (?, ?, 0, 1000, 0)")) {
            insert.setString(1, sha256);
            insert.setLong(2, user.id());
            insert.executeUpdate();
        }
    }

    private static List<String> tables(HikariDataSource dataSource) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             ResultSet rows = connection.getMetaData().getTables(null, connection.getSchema(), "%",
                     new String[] {"TABLE"})) {
            while (rows.next()) {
                tables.add(rows.getString("TABLE_NAME"));
            }
        }
        return tables;
    }

    private static List<String> column(HikariDataSource dataSource, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static String query(HikariDataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
