package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import netdisk.server.storage.MetadataException.Reason;

/**
 * The store's write path runs a change again when the database aborted its transaction as a deadlock (40P01) or
 * serialization failure (40001), as PostgreSQL may. The failures are injected at commit, after the change's statements
 * ran, by a data source that wraps the test database's: a retried change must count once, a change that keeps failing
 * must stop after {@link JdbcMetadataStore#WRITE_ATTEMPTS} and leave nothing behind, and other errors are not retried.
 */
class WriteRetryTest {

    private static final BlobId ONE = new BlobId("1".repeat(64), 100);

    @TempDir
    Path data;

    private TestDatabase db;
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile String sqlState;
    private JdbcMetadataStore store;
    private User alice;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        store = JdbcMetadataStore.create(failingCommits(db.migrated()), Clock.systemUTC());
        alice = store.createUser(Name.of("alice"), "h", OptionalLong.empty());
        commits.set(0);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01"})
    void anAbortedChangeIsRunAgainAndCountsOnce(String state) throws Exception {
        fail(JdbcMetadataStore.WRITE_ATTEMPTS - 1, state);
        Node root = store.root(alice);

        Node file = store.addFile(root, Name.of("f"), ONE).value();

        assertThat(commits).hasValue(JdbcMetadataStore.WRITE_ATTEMPTS);
        assertThat(store.list(root)).containsExactly(file);
        assertThat(store.delete(file, false).orphanedBlobs()).as("one reference, not five").containsExactly(ONE);
    }

    @Test
    void aChangeThatKeepsBeingAbortedFailsAfterTheLastAttemptAndLeavesNothing() throws Exception {
        fail(Integer.MAX_VALUE, "40P01");

        assertThat(attempt(() -> store.mkdir(alice, List.of(Name.of("d")), false))).isEqualTo(Reason.STORAGE_ERROR);

        assertThat(commits).hasValue(JdbcMetadataStore.WRITE_ATTEMPTS);
        assertThat(store.list(store.root(alice))).isEmpty();
    }

    @Test
    void otherFailuresAreNotRetried() throws Exception {
        fail(Integer.MAX_VALUE, "08006");

        assertThat(attempt(() -> store.mkdir(alice, List.of(Name.of("d")), false))).isEqualTo(Reason.STORAGE_ERROR);

        assertThat(commits).hasValue(1);
        assertThat(store.list(store.root(alice))).isEmpty();
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        fail(Integer.MAX_VALUE, "40P01");

        assertThat(attempt(() -> store.mkdir(alice, List.of(Name.of("a"), Name.of("b")), false)))
                .isEqualTo(Reason.NOT_FOUND);

        assertThat(commits).hasValue(0);
    }

    private void fail(int times, String state) {
        sqlState = state;
        failuresLeft.set(times);
    }

    private static Reason attempt(JdbcMetadataStoreTest.Action action) {
        try {
            action.run();
            return null;
        } catch (MetadataException e) {
            return e.reason();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code target}, but whose connections' {@code commit} throws instead, while {@link #failuresLeft} lasts. */
    private DataSource failingCommits(DataSource target) {
        InvocationHandler sources = (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            if (method.getName().equals("getConnection")) {
                Connection connection = (Connection) result;
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                        (connectionProxy, connectionMethod, connectionArgs) -> {
                            if (connectionMethod.getName().equals("commit")) {
                                commits.incrementAndGet();
                                if (failuresLeft.getAndDecrement() > 0) {
                                    throw new SQLException("injected failure", sqlState);
                                }
                            }
                            return invoke(connection, connectionMethod, connectionArgs);
                        });
            }
            return result;
        };
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                sources);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
