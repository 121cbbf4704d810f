package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache in front of the metadata answers repeated reads from memory, and never an old answer after a change: one
 * made through it, or one made by another process (here: another pool on the same SQLite file, which is what another
 * worker is), which it learns from SQLite's {@code data_version}.
 */
class CachedMetadataStoreTest {

    private static final BlobId ONE = new BlobId("1".repeat(64), 100);
    private static final BlobId TWO = new BlobId("2".repeat(64), 2_000);

    @TempDir
    Path data;

    private TestDatabase db;
    private final Map<String, Integer> storeCalls = new ConcurrentHashMap<>();
    private final AtomicInteger versionChecks = new AtomicInteger();
    private HikariDataSource cachedPool;
    private CachedMetadataStore cached;
    /** Another worker process: its own pool, no cache. */
    private JdbcMetadataStore other;
    private User alice;
    private Path databaseFile;

    @BeforeEach
    void open() throws Exception {
        assumeFalse(TestDatabase.postgres(), "data_version is SQLite's");
        db = TestDatabase.open(data);
        databaseFile = data.toRealPath().resolve(MetadataDatabase.SQLITE_FILE);
        other = db.openStore();
        cachedPool = db.connect();
        cached = cache(CachedMetadataStore.MAX_ENTRIES);
        alice = other.createUser(Name.of("alice"), "hash-1", OptionalLong.empty());
    }

    private CachedMetadataStore cache(int maxEntries) throws MetadataException {
        MetadataStore counted = counting(JdbcMetadataStore.create(cachedPool, Clock.systemUTC()));
        MetadataVersion sqlite = WalIndexVersion.open(cachedPool.getDataSource(),
                databaseFile); // as the workers check it
        MetadataVersion checked = new MetadataVersion() {
            @Override
            public long current() throws MetadataException {
                versionChecks.incrementAndGet();
                return sqlite.current();
            }

            @Override
            public void close() {
                sqlite.close();
            }
        };
        return new CachedMetadataStore(counted, checked, maxEntries);
    }

    @AfterEach
    void close() throws Exception {
        if (db != null) {
            try (TestDatabase closing = db) {
                cached.close();
                other.close();
            }
        }
    }

    @Test
    void repeatedReadsAreAnsweredFromMemory() throws Exception {
        Node docs = other.mkdir(alice, names("docs"), false);
        other.addFile(docs, Name.of("a.txt"), ONE);

        for (int i = 0; i < 5; i++) {
            assertThat(cached.findUser(Name.of("alice"))).contains(alice);
            assertThat(cached.root(alice).isRoot()).isTrue();
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(ONE);
            assertThat(cached.lookup(alice, names("nothing"))).isEmpty();
            assertThat(cached.list(docs)).extracting(Node::name).containsExactly("a.txt");
        }

        // /docs/a.txt: /docs, then a.txt in it; /nothing: one more name in the root
        assertThat(storeCalls).containsEntry("findUser", 1).containsEntry("root", 1).containsEntry("child", 3)
                .containsEntry("list", 1).doesNotContainKey("lookup");
    }

    @Test
    void aChangeByAnotherProcessIsSeenByTheNextRead() throws Exception {
        Node docs = other.mkdir(alice, names("docs"), false);
        other.addFile(docs, Name.of("a.txt"), ONE);
        assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(ONE);
        assertThat(cached.findUser(Name.of("bob"))).isEmpty();
        assertThat(cached.findUser(Name.of("alice")).orElseThrow().passwordHash()).isEqualTo("hash-1");

        other.addFile(docs, Name.of("a.txt"), TWO);
        assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(TWO);
        assertThat(cached.list(docs)).extracting(Node::size).containsExactly(TWO.size());

        other.delete(other.lookup(alice, names("docs", "a.txt")).orElseThrow(), false);
        assertThat(cached.lookup(alice, names("docs", "a.txt"))).isEmpty();
        assertThat(cached.list(docs)).isEmpty();

        other.createUser(Name.of("bob"), "hash-b", OptionalLong.empty());
        assertThat(cached.findUser(Name.of("bob"))).isPresent();

        other.setPasswordHash(alice, "hash-2");
        assertThat(cached.findUser(Name.of("alice")).orElseThrow().passwordHash()).isEqualTo("hash-2");
    }

    @Test
    void aRequestChecksTheVersionOnceForAllItsReads() throws Exception {
        other.mkdir(alice, names("docs"), false);
        readAll(); // now all four are cached
        versionChecks.set(0);
        readAll();
        assertThat(versionChecks).as("outside a request: one check per read").hasValue(4);

        versionChecks.set(0);
        CachedMetadataStore.oneCheckPerRequest(() -> {
            readAll();
            readAll();
            return null;
        });
        assertThat(versionChecks).as("inside one").hasValue(1);

        versionChecks.set(0);
        for (int i = 0; i < 3; i++) {
            CachedMetadataStore.oneCheckPerRequest(() -> {
                readAll();
                return null;
            });
        }
        assertThat(versionChecks).as("one per request").hasValue(3);
    }

    @Test
    void requestsThatArrivedBeforeACheckShareItWhoeverMadeItAndALaterOneChecksAgain() throws Exception {
        Node docs = other.mkdir(alice, names("docs"), false);
        other.addFile(docs, Name.of("a.txt"), ONE);
        long arrived = System.nanoTime(); // three requests arrived together
        versionChecks.set(0);

        CachedMetadataStore.oneCheckPerRequest(arrived, () -> {
            readAll();
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(ONE);
            return null;
        });
        CachedMetadataStore.oneCheckPerRequest(arrived, () -> {
            other.addFile(docs, Name.of("a.txt"), TWO); // committed after the check: this request was sent before
            readAll();
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob())
                    .as("as of the check it shares").contains(ONE);
            return null;
        });
        Thread anotherSession = Thread.ofVirtual().start(() -> {
            try {
                CachedMetadataStore.oneCheckPerRequest(arrived, () -> {
                    readAll();
                    return null;
                });
            } catch (MetadataException e) {
                throw new AssertionError(e);
            }
        });
        anotherSession.join();
        assertThat(versionChecks).as("one check for the three, the third on another thread").hasValue(1);

        long later = System.nanoTime(); // arrived after the check: it may have been sent after the change
        CachedMetadataStore.oneCheckPerRequest(later, () -> {
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(TWO);
            return null;
        });
        assertThat(versionChecks).hasValue(2);

        CachedMetadataStore.oneCheckPerRequest(later, () -> {
            cached.addFile(docs, Name.of("b.txt"), ONE); // a change made here drops what the checks were for
            return null;
        });
        CachedMetadataStore.oneCheckPerRequest(later, () -> {
            assertThat(cached.list(docs)).extracting(Node::name).containsExactlyInAnyOrder("a.txt", "b.txt");
            return null;
        });
        assertThat(versionChecks).as("after a change made here, the next request checks again").hasValue(3);
    }

    /** The four cached reads a request may make: the account, the root, a path, a listing. */
    private void readAll() throws MetadataException {
        assertThat(cached.findUser(Name.of("alice"))).isPresent();
        Node root = cached.root(alice);
        assertThat(cached.lookup(alice, names("docs"))).isPresent();
        assertThat(cached.list(root)).isNotEmpty();
    }

    @Test
    void aChangeByAnotherProcessDuringARequestIsSeenByTheNextRequest() throws Exception {
        Node docs = other.mkdir(alice, names("docs"), false);
        other.addFile(docs, Name.of("a.txt"), ONE);

        CachedMetadataStore.oneCheckPerRequest(() -> {
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(ONE);
            other.addFile(docs, Name.of("a.txt"), TWO);
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob())
                    .as("the request reads as of its first read").contains(ONE);
            return null;
        });
        CachedMetadataStore.oneCheckPerRequest(() -> {
            assertThat(cached.lookup(alice, names("docs", "a.txt")).orElseThrow().blob()).contains(TWO);
            return null;
        });
    }

    @Test
    void aRequestSeesItsOwnChangesAtOnce() throws Exception {
        CachedMetadataStore.oneCheckPerRequest(() -> {
            assertThat(cached.list(cached.root(alice))).isEmpty();
            Node docs = cached.mkdir(alice, names("docs"), false);
            assertThat(cached.list(cached.root(alice))).containsExactly(docs);
            other.addFile(docs, Name.of("b.txt"), ONE);
            cached.addFile(docs, Name.of("a.txt"), TWO);
            assertThat(cached.list(docs)).as("after its own change, a new check: the other's change too")
                    .extracting(Node::name).containsExactlyInAnyOrder("a.txt", "b.txt");
            return null;
        });
    }

    @Test
    void itsOwnChangesAreSeenAtOnce() throws Exception {
        assertThat(cached.list(cached.root(alice))).isEmpty();
        Node docs = cached.mkdir(alice, names("docs"), false);
        assertThat(cached.list(cached.root(alice))).containsExactly(docs);
        cached.addFile(docs, Name.of("a.txt"), ONE);
        assertThat(cached.lookup(alice, names("docs", "a.txt"))).isPresent();
        cached.move(cached.lookup(alice, names("docs", "a.txt")).orElseThrow(), cached.root(alice), Name.of("b.txt"));
        assertThat(cached.lookup(alice, names("docs", "a.txt"))).isEmpty();
        assertThat(cached.lookup(alice, names("b.txt"))).isPresent();
        cached.setQuota(alice, OptionalLong.of(5));
        assertThat(cached.findUser(Name.of("alice")).orElseThrow().quotaBytes()).hasValue(5);
    }

    @Test
    void keepsAtMostItsBoundAndStillAnswersRight() throws Exception {
        cached.close();
        cached = cache(2);
        for (int i = 0; i < 10; i++) {
            other.mkdir(alice, names("d" + i), false);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10; i++) {
                assertThat(cached.lookup(alice, names("d" + i)).orElseThrow().name()).isEqualTo("d" + i);
            }
        }
        // ten paths do not fit in two entries: most lookups went to the database again
        assertThat(storeCalls.get("child")).isGreaterThan(20);

        storeCalls.clear();
        for (int i = 0; i < 3; i++) {
            assertThat(cached.list(cached.root(alice))).hasSize(10);
        }
        assertThat(storeCalls).as("a listing weighs one per entry: ten do not fit in two").containsEntry("list", 3);
    }

    @Test
    void aHugeListingIsNeverKept() throws Exception {
        Node big = other.mkdir(alice, names("big"), false);
        for (int i = 0; i <= CachedMetadataStore.MAX_LISTED; i++) {
            other.mkdir(alice, names("big", "d" + i), false);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(cached.list(big)).hasSize(CachedMetadataStore.MAX_LISTED + 1);
        }
        assertThat(storeCalls).containsEntry("list", 3);
    }

    /** Random changes from both sides, each followed by every read through the cache compared with the database. */
    @Test
    void neverAnswersAnOldValueInARandomRun() throws Exception {
        long seed = Long.getLong("netdisk.test.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> paths = List.of("a", "b", "c", "a/x", "a/y", "b/x");
        BlobId[] blobs = {ONE, TWO};
        for (int step = 0; step < 300; step++) {
            MetadataStore changer = random.nextBoolean() ? cached : other;
            List<Name> path = names(paths.get(random.nextInt(paths.size())).split("/"));
            Optional<Node> parent = other.lookup(alice, path.subList(0, path.size() - 1));
            Name name = path.getLast();
            try {
                switch (random.nextInt(4)) {
                    case 0 -> changer.mkdir(alice, path, true);
                    case 1 -> {
                        if (parent.isPresent()) {
                            changer.addFile(parent.get(), name, blobs[random.nextInt(2)]);
                        }
                    }
                    case 2 -> {
                        Optional<Node> node = other.lookup(alice, path);
                        if (node.isPresent()) {
                            changer.delete(node.get(), true);
                        }
                    }
                    default -> changer.setPasswordHash(alice, "hash-" + step);
                }
            } catch (MetadataException refused) {
                // a file in the way of a directory or the reverse: refused, nothing changed
            }
            for (String each : paths) {
                List<Name> names = names(each.split("/"));
                assertThat(cached.lookup(alice, names)).as("seed %d, step %d, %s", seed, step, each)
                        .isEqualTo(other.lookup(alice, names));
            }
            assertThat(cached.list(other.root(alice))).as("seed %d, step %d", seed, step)
                    .isEqualTo(other.list(other.root(alice)));
            assertThat(cached.findUser(Name.of("alice"))).as("seed %d, step %d", seed, step)
                    .isEqualTo(other.findUser(Name.of("alice")));
        }
    }

    private static List<Name> names(String... names) {
        List<Name> list = new ArrayList<>();
        for (String name : names) {
            list.add(Name.of(name));
        }
        return list;
    }

    /** {@code store}, counting the calls of each method in {@link #storeCalls}. */
    private MetadataStore counting(MetadataStore store) {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    storeCalls.merge(method.getName(), 1, Integer::sum);
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
