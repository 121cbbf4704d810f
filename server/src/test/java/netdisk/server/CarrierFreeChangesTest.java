package netdisk.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdisk.server.auth.LoginThrottle;
import netdisk.server.auth.SessionTokens;
import netdisk.server.auth.ThrottlePolicy;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.PartialId;
import netdisk.server.storage.TestDatabase;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.User;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which database calls a session (a virtual thread) makes {@link OffCarrier off its carrier}: every change, since it
 * may wait for the write lock and the commit's sync; no read, since a read from SQLite's cache is shorter than the hop.
 * The data source records, for each connection taken, whether a virtual thread took it.
 */
class CarrierFreeChangesTest {

    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path data;

    private TestDatabase db;
    private DataSource recording;
    private final List<Boolean> takenOnVirtualThread = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        DataSource target = db.migrated();
        recording = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        takenOnVirtualThread.add(Thread.currentThread().isVirtual());
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    /** Runs {@code call} on a virtual thread, as a session would; whether its connections were taken there. */
    private List<Boolean> asSession(OffCarrier.Call<?, Exception> call) throws Exception {
        takenOnVirtualThread.clear();
        var done = new CompletableFuture<Void>();
        Thread.ofVirtual().start(() -> {
            try {
                call.call();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(30, TimeUnit.SECONDS);
        return List.copyOf(takenOnVirtualThread);
    }

    @Test
    void theMetadataStoresChangesLeaveTheCarrierAndItsReadsStay() throws Exception {
        JdbcMetadataStore store = JdbcMetadataStore.create(recording, Clock.systemUTC());
        User alice = store.createUser(Name.of("alice"), "h", OptionalLong.empty());

        assertThat(asSession(() -> store.mkdir(alice, List.of(Name.of("d")), false))).containsOnly(false);
        assertThat(asSession(() -> store.lookup(alice, List.of(Name.of("d"))))).containsOnly(true);
        assertThat(asSession(() -> store.list(store.root(alice)))).containsOnly(true);
        assertThat(asSession(() -> store.setQuota(alice, OptionalLong.of(1)))).containsOnly(false);
    }

    @Test
    void unfinishedUploadRowsAreChangedOffTheCarrierAndReadOnIt() throws Exception {
        User alice = JdbcMetadataStore.create(recording, Clock.systemUTC())
                .createUser(Name.of("alice"), "h", OptionalLong.empty());
        var rows = new UnfinishedUploads(recording, Clock.systemUTC());
        var key = new UnfinishedUploads.Key(alice.id(), "/big.iso", 5_000_000, SHA);
        PartialId partial = PartialId.random();

        assertThat(asSession(() -> rows.insert(key, partial))).containsOnly(false);
        assertThat(asSession(() -> rows.touch(partial))).containsOnly(false);
        assertThat(asSession(() -> rows.find(key))).containsOnly(true);
        assertThat(asSession(() -> rows.delete(partial))).containsOnly(false);
    }

    @Test
    void tokensAndLoginFailuresAreChangedOffTheCarrierAndReadOnIt() throws Exception {
        User alice = JdbcMetadataStore.create(recording, Clock.systemUTC())
                .createUser(Name.of("alice"), "h", OptionalLong.empty());
        var tokens = new SessionTokens(recording, Clock.systemUTC());
        var throttle = new LoginThrottle(recording, Clock.systemUTC(), ThrottlePolicy.DEFAULT);
        var issued = new String[1];
        var from = InetAddress.getLoopbackAddress();

        assertThat(asSession(() -> issued[0] = tokens.issue(alice.id(), Duration.ofHours(1)).token()))
                .containsOnly(false);
        assertThat(asSession(() -> tokens.check(issued[0]))).containsOnly(true);
        assertThat(asSession(() -> {
            throttle.recordFailure("alice", from);
            return null;
        })).containsOnly(false);
        assertThat(asSession(() -> throttle.blockedFor("alice", from))).containsOnly(true);
        assertThat(asSession(() -> {
            throttle.recordSuccess("alice", from);
            return null;
        })).as("failures to forget: a read, then the change").containsExactly(true, false);
    }

    @Test
    void aLoginWithNoFailuresToForgetChangesNothing() throws Exception {
        var throttle = new LoginThrottle(recording, Clock.systemUTC(), ThrottlePolicy.DEFAULT);
        var from = InetAddress.getLoopbackAddress();

        assertThat(asSession(() -> {
            throttle.recordSuccess("bob", from);
            return null;
        })).as("one read on the carrier, no change").containsExactly(true);
    }
}
