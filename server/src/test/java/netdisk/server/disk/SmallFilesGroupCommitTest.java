package netdisk.server.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.Sha256;
import netdisk.server.storage.BlobLock;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.MetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.User;

/**
 * Group commit of small files: the batches of a worker's sessions that are ready while the blob lock is busy (another
 * worker holds it) are made visible together, in one metadata transaction, and a failure of that transaction is every
 * batch's, with nothing left behind.
 */
class SmallFilesGroupCommitTest {

    @TempDir
    Path data;

    private final List<Integer> transactions = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean failing = new AtomicBoolean();
    private final ExecutorService sessions = Executors.newVirtualThreadPerTaskExecutor();
    private JdbcMetadataStore metadata;
    private HikariDataSource database;
    private FileBlobStore blobs;
    private BlobLock blobLock;
    private Disk disk;
    private User alice;
    private User bob;

    @BeforeEach
    void open() throws Exception {
        metadata = JdbcMetadataStore.openSqlite(data);
        database = MetadataDatabase.connectSqlite(data);
        blobs = FileBlobStore.open(data);
        blobLock = BlobLock.open(data);
        disk = new Disk(recording(metadata), blobs,
                new PartialUploads(new UnfinishedUploads(database, Clock.systemUTC()), blobs.partials()), blobLock,
                blobs.root());
        alice = metadata.createUser(Name.of("alice"), "hash", OptionalLong.empty());
        bob = metadata.createUser(Name.of("bob"), "hash", OptionalLong.empty());
    }

    @AfterEach
    void close() throws Exception {
        sessions.shutdownNow();
        disk.close();
        database.close();
        metadata.close();
    }

    @Test
    void batchesReadyWhileTheBlobLockIsBusyAreAddedInOneTransaction() throws Exception {
        List<Future<List<Disk.StoredSmall>>> stored = storeTwoBatchesBehindABusyLock();

        for (Future<List<Disk.StoredSmall>> batch : stored) {
            assertThat(batch.get()).allSatisfy(result -> assertThat(result.refusal()).isEmpty());
        }
        assertThat(transactions).containsExactly(Disk.GROUP_SYNC_FROM + 1 + 2);
        for (int i = 0; i < Disk.GROUP_SYNC_FROM + 1; i++) {
            assertThat(metadata.lookup(alice, List.of(Name.of("alice" + i)))).isPresent();
        }
        assertThat(metadata.lookup(bob, List.of(Name.of("bob0")))).isPresent();
        assertThat(metadata.lookup(bob, List.of(Name.of("bob1")))).isPresent();
        assertThat(metadata.usage(metadata.findUser(Name.of("bob")).orElseThrow()))
                .isEqualTo("bob0".length() + "bob1".length());
    }

    @Test
    void aFailedTransactionFailsEveryBatchInItAndLeavesNoBlob() throws Exception {
        failing.set(true);

        List<Future<List<Disk.StoredSmall>>> stored = storeTwoBatchesBehindABusyLock();

        for (Future<List<Disk.StoredSmall>> batch : stored) {
            assertThatThrownBy(batch::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(DiskException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_ERROR));
        }
        assertThat(transactions).containsExactly(Disk.GROUP_SYNC_FROM + 1 + 2);
        try (Stream<String> left = blobs.list()) {
            assertThat(left).isEmpty();
        }
        assertThat(metadata.lookup(alice, List.of(Name.of("alice0")))).isEmpty();
    }

    /** Alice's batch and Bob's, both sent while the test holds the blob lock, as another worker would. */
    private List<Future<List<Disk.StoredSmall>>> storeTwoBatchesBehindABusyLock() throws Exception {
        List<Future<List<Disk.StoredSmall>>> stored = new ArrayList<>();
        try (BlobLock.Held busy = blobLock.lock()) {
            stored.add(sessions.submit(() -> disk.storeSmall(alice, batch("alice", Disk.GROUP_SYNC_FROM + 1))));
            stored.add(sessions.submit(() -> disk.storeSmall(bob, batch("bob", 2))));
            await().until(() -> disk.batchesWaiting() == 2);
        }
        return stored;
    }

    private static List<Disk.SmallFile> batch(String prefix, int count) throws DiskException {
        List<Disk.SmallFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] content = (prefix + i).getBytes(StandardCharsets.UTF_8);
            String sha256 = Sha256.hex(Sha256.newDigest().digest(content));
            files.add(new Disk.SmallFile(DiskPath.parse("/" + prefix + i), sha256, content));
        }
        return files;
    }

    /** The store, noting the size of each {@code addFiles} and failing it while {@link #failing} is set. */
    private MetadataStore recording(MetadataStore store) {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("addFiles")) {
                        transactions.add(((List<?>) arguments[0]).size());
                        if (failing.get()) {
                            throw new MetadataException(MetadataException.Reason.STORAGE_ERROR, "the disk went away");
                        }
                    }
                    try {
                        return method.invoke(store, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
