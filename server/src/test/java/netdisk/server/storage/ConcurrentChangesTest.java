package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdisk.server.storage.MetadataException.Reason;

/**
 * Changes that race each other, from two pools (two worker processes, say), must end as if they had run one after the
 * other: on SQLite they do, because it has one writer at a time; on PostgreSQL, where writers run side by side, the
 * store has to make them (see JdbcMetadataStore's write path). Each test races many rounds, each released at once.
 */
class ConcurrentChangesTest {

    private static final int ROUNDS = 30;

    @TempDir
    Path data;

    private TestDatabase db;
    private JdbcMetadataStore first;
    private JdbcMetadataStore second;
    private ExecutorService threads;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        first = db.openStore();
        second = db.openStore();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() throws Exception {
        try (TestDatabase closing = db) {
            threads.close();
            first.close();
            second.close();
        }
    }

    @Test
    void crossedMovesOfTwoDirectoriesNeverMakeACycle() throws Exception {
        User alice = first.createUser(Name.of("alice"), "h", OptionalLong.empty());
        for (int round = 0; round < ROUNDS; round++) {
            Name aName = Name.of("a" + round);
            Name bName = Name.of("b" + round);
            Node a = first.mkdir(alice, List.of(aName), false);
            Node b = first.mkdir(alice, List.of(bName), false);

            List<Object> outcomes = race(
                    () -> first.move(a, b, aName),
                    () -> second.move(b, a, bName));

            assertThat(outcomes).as("round %d", round).containsOnlyOnce(Reason.INVALID_OPERATION)
                    .filteredOn(Node.class::isInstance).hasSize(1);
            boolean aMoved = outcomes.get(0) instanceof Node;
            assertThat(first.lookup(alice, aMoved
                    ? JdbcMetadataStoreTest.path("b" + round, "a" + round)
                    : JdbcMetadataStoreTest.path("a" + round, "b" + round))).as("round %d", round).isPresent();
        }
    }

    @Test
    void mkdirWithParentsOfOnePathGivesEveryoneTheSameDirectory() throws Exception {
        User alice = first.createUser(Name.of("alice"), "h", OptionalLong.empty());
        for (int round = 0; round < ROUNDS; round++) {
            List<Name> path = JdbcMetadataStoreTest.path("r" + round, "x", "y");
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                JdbcMetadataStore store = t % 2 == 0 ? first : second;
                tasks.add(() -> store.mkdir(alice, path, true));
            }

            List<Object> outcomes = race(tasks);

            assertThat(outcomes).as("round %d", round).allMatch(Node.class::isInstance);
            assertThat(outcomes.stream().map(node -> ((Node) node).id()).distinct()).hasSize(1);
        }
    }

    @Test
    void uploadsUnderOneNameReplaceEachOtherAndOrphanEveryBlobButTheLast() throws Exception {
        User alice = first.createUser(Name.of("alice"), "h", OptionalLong.of(1L << 40));
        Node root = first.root(alice);
        for (int round = 0; round < ROUNDS; round++) {
            Name name = Name.of("f" + round);
            List<BlobId> blobs = new ArrayList<>();
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                BlobId blob = blob(round * 10 + t, 100 + t);
                blobs.add(blob);
                JdbcMetadataStore store = t % 2 == 0 ? first : second;
                tasks.add(() -> store.addFile(root, name, blob));
            }

            List<Object> outcomes = race(tasks);

            assertThat(outcomes).as("round %d", round).allMatch(Change.class::isInstance);
            BlobId last = first.lookup(alice, List.of(name)).orElseThrow().blob().orElseThrow();
            Set<BlobId> orphans = new HashSet<>();
            for (Object outcome : outcomes) {
                for (BlobId orphan : ((Change<?>) outcome).orphanedBlobs()) {
                    assertThat(orphans.add(orphan)).as("orphaned once: %s", orphan).isTrue();
                }
            }
            Set<BlobId> replaced = new HashSet<>(blobs);
            replaced.remove(last);
            assertThat(orphans).as("round %d", round).isEqualTo(replaced);
            for (BlobId blob : blobs) {
                assertThat(first.isReferenced(blob.sha256())).isEqualTo(blob.equals(last));
            }
        }
    }

    @Test
    void deletesOfFilesSharingABlobOrphanItExactlyOnce() throws Exception {
        List<User> users = new ArrayList<>();
        for (int u = 0; u < 6; u++) {
            users.add(first.createUser(Name.of("u" + u), "h", OptionalLong.empty()));
        }
        for (int round = 0; round < ROUNDS; round++) {
            BlobId shared = blob(round, 1_000);
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int u = 0; u < users.size(); u++) {
                Node file = first.addFile(first.root(users.get(u)), Name.of("s" + round), shared).value();
                JdbcMetadataStore store = u % 2 == 0 ? first : second;
                tasks.add(() -> store.delete(file, false));
            }

            List<Object> outcomes = race(tasks);

            assertThat(outcomes).as("round %d", round).allMatch(Change.class::isInstance);
            assertThat(outcomes.stream().flatMap(change -> ((Change<?>) change).orphanedBlobs().stream()))
                    .as("round %d", round).containsExactly(shared);
            assertThat(first.isReferenced(shared.sha256())).isFalse();
        }
    }

    /**
     * Alice swaps her file from blob X to Y while Bob swaps his from Y to X: each change takes one blob's row and then
     * wants the other's. On PostgreSQL that can deadlock, and the transaction it aborts must be tried again.
     */
    @Test
    void crossedReplacementsOfSharedBlobsAllSucceed() throws Exception {
        User alice = first.createUser(Name.of("alice"), "h", OptionalLong.empty());
        User bob = first.createUser(Name.of("bob"), "h", OptionalLong.empty());
        User keeper = first.createUser(Name.of("keeper"), "h", OptionalLong.empty());
        BlobId x = blob(1, 10);
        BlobId y = blob(2, 20);
        first.addFile(first.root(keeper), Name.of("x"), x); // keeps both rows alive, so every release is a decrement
        first.addFile(first.root(keeper), Name.of("y"), y);
        Node aliceRoot = first.root(alice);
        Node bobRoot = first.root(bob);
        first.addFile(aliceRoot, Name.of("f"), y);
        first.addFile(bobRoot, Name.of("f"), x);
        for (int round = 0; round < ROUNDS * 3; round++) {
            BlobId toAlice = round % 2 == 0 ? x : y;
            BlobId toBob = round % 2 == 0 ? y : x;

            List<Object> outcomes = race(
                    () -> first.addFile(aliceRoot, Name.of("f"), toAlice),
                    () -> second.addFile(bobRoot, Name.of("f"), toBob));

            assertThat(outcomes).as("round %d", round).allMatch(Change.class::isInstance);
        }
        assertThat(first.usage(alice) + first.usage(bob)).isEqualTo(x.size() + y.size());
        assertThat(first.delete(first.lookup(keeper, JdbcMetadataStoreTest.path("x")).orElseThrow(), false)
                .orphanedBlobs()).isEmpty();
    }

    private static BlobId blob(int number, long size) {
        return new BlobId("%064x".formatted(number + 0xb10bL), size);
    }

    @SafeVarargs
    private List<Object> race(Callable<Object>... tasks) throws Exception {
        return race(List.of(tasks));
    }

    /**
     * Runs every task on its own thread, released together; what each returned, or the {@link Reason} of the
     * {@link MetadataException} it threw. Anything else it threw fails the test.
     */
    private List<Object> race(List<Callable<Object>> tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        List<Future<Object>> futures = new ArrayList<>();
        for (Callable<Object> task : tasks) {
            futures.add(threads.submit(() -> {
                start.await();
                try {
                    return task.call();
                } catch (MetadataException e) {
                    if (e.reason() == Reason.STORAGE_ERROR) {
                        throw e;
                    }
                    return e.reason();
                }
            }));
        }
        List<Object> outcomes = new ArrayList<>();
        for (Future<Object> future : futures) {
            try {
                outcomes.add(future.get());
            } catch (ExecutionException e) {
                throw new AssertionError("a racing change failed: " + e.getCause(), e.getCause());
            }
        }
        return outcomes;
    }
}
