package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.MigrationVersion;
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
                    .isEqualTo("5");
        }
    }

    /**
     * V4 adds each user's usage counter, starting from the files a V3 database holds: their sizes summed per user,
     * each file counted even where files share a blob, directories and other users' files not at all.
     */
    @Test
    void migratingAV3DatabaseCountsTheBytesOfEachUsersFiles() throws Exception {
        try (TestDatabase db = TestDatabase.open(data)) {
            HikariDataSource dataSource = db.connect();
            assertThat(MetadataDatabase.migrate(dataSource, MigrationVersion.fromVersion("3"))).isEqualTo(3);
            long alice;
            long bob;
            long carol;
            try (Connection connection = dataSource.getConnection()) {
                alice = insertV3User(connection, "alice");
                bob = insertV3User(connection, "bob");
                carol = insertV3User(connection, "carol");
                insertV3Blob(connection, "a".repeat(64), 1_000, 3);
                insertV3Blob(connection, "b".repeat(64), 5_000_000_000L, 1);
                long aliceRoot = v3Root(connection, alice);
                long photos = insertV3Node(connection, alice, aliceRoot, "photos", null, 0);
                insertV3Node(connection, alice, aliceRoot, "one", "a".repeat(64), 1_000);
                insertV3Node(connection, alice, photos, "same-content", "a".repeat(64), 1_000);
                insertV3Node(connection, alice, photos, "big", "b".repeat(64), 5_000_000_000L);
                insertV3Node(connection, bob, v3Root(connection, bob), "shared-with-alice", "a".repeat(64), 1_000);
            }

            assertThat(MetadataDatabase.migrate(dataSource)).as("V4 and V5").isEqualTo(2);

            assertThat(usedBytes(dataSource, alice)).isEqualTo(5_000_002_000L);
            assertThat(usedBytes(dataSource, bob)).isEqualTo(1_000);
            assertThat(usedBytes(dataSource, carol)).isZero();
            try (JdbcMetadataStore store = JdbcMetadataStore.create(dataSource, java.time.Clock.systemUTC())) {
                User bobUser = store.findUser(Name.of("bob")).orElseThrow();
                store.addFile(store.root(bobUser), Name.of("more"), new BlobId("c".repeat(64), 24));
                assertThat(store.usage(bobUser)).as("counted on from the migrated value").isEqualTo(1_024);
            }
        }
    }

    private static long insertV3User(Connection connection, String name) throws SQLException {
        try (var insert = connection.prepareStatement("INSERT INTO users (name, password_hash, quota_bytes,"
                + " created_at) VALUES (?, 'h', NULL, 0) RETURNING id")) {
            insert.setString(1, name);
            long id = firstLong(insert);
            try (var root = connection.prepareStatement("INSERT INTO nodes (owner_id, parent_id, name, kind, size,"
                    + " blob_sha256, created_at, modified_at) VALUES (?, NULL, '', 'dir', 0, NULL, 0, 0)")) {
                root.setLong(1, id);
                root.executeUpdate();
            }
            return id;
        }
    }

    private static void insertV3Blob(Connection connection, String sha256, long size, long refs) throws SQLException {
        try (var insert = connection.prepareStatement("INSERT INTO blobs (sha256, size, refs) VALUES (?, ?, ?)")) {
            insert.setString(1, sha256);
            insert.setLong(2, size);
            insert.setLong(3, refs);
            insert.executeUpdate();
        }
    }

    private static long v3Root(Connection connection, long owner) throws SQLException {
        try (var select = connection.prepareStatement(
                "SELECT id FROM nodes WHERE owner_id = ? AND parent_id IS NULL")) {
            select.setLong(1, owner);
            return firstLong(select);
        }
    }

    /** A file when {@code sha256} is given, else a directory. */
    private static long insertV3Node(Connection connection, long owner, long parent, String name, String sha256,
            long size) throws SQLException {
        try (var insert = connection.prepareStatement("INSERT INTO nodes (owner_id, parent_id, name, kind, size,"
                + " blob_sha256, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0) RETURNING id")) {
            insert.setLong(1, owner);
            insert.setLong(2, parent);
            insert.setString(3, name);
            insert.setString(4, sha256 == null ? "dir" : "file");
            insert.setLong(5, size);
            insert.setString(6, sha256);
            return firstLong(insert);
        }
    }

    private static long firstLong(java.sql.PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    private static long usedBytes(HikariDataSource dataSource, long user) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             var select = connection.prepareStatement("SELECT used_bytes FROM users WHERE id = ?")) {
            select.setLong(1, user);
            return firstLong(select);
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
