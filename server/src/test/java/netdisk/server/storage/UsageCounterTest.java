package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.server.storage.MetadataException.Reason;

/**
 * The usage counter ({@code users.used_bytes}) against what it stands for, the sum of the sizes of the user's files,
 * recounted in SQL after every step of seeded random changes: adds and overwrites (alone and in batches), copies,
 * moves of files and directories, removals (recursive too), quota changes that make some changes fail, and a user
 * deleted along the way. Users share blobs, and names collide on purpose.
 */
class UsageCounterTest {

    private static final List<BlobId> BLOBS = List.of(new BlobId("0".repeat(64), 0), new BlobId("1".repeat(64), 1),
            new BlobId("2".repeat(64), 700), new BlobId("3".repeat(64), 4_096), new BlobId("4".repeat(64), 65_537),
            new BlobId("5".repeat(64), 3_000_000_000L));
    private static final List<String> NAMES = List.of("a", "b", "c", "文件");
    /** What a random change may be refused for; anything else fails the test. */
    private static final Set<Reason> EXPECTED_REFUSALS = EnumSet.of(Reason.QUOTA_EXCEEDED, Reason.ALREADY_EXISTS,
            Reason.IS_A_DIRECTORY, Reason.NOT_A_DIRECTORY, Reason.INVALID_OPERATION);

    private enum Step { ADD, ADD_BATCH, COPY, MOVE, MKDIR, REMOVE, QUOTA, DELETE_USER }

    @org.junit.jupiter.api.io.TempDir
    Path data;

    private TestDatabase db;
    private HikariDataSource pool;
    private JdbcMetadataStore store;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        pool = db.migrated();
        store = JdbcMetadataStore.create(pool, Clock.systemUTC());
    }

    @AfterEach
    void close() throws Exception {
        try (TestDatabase closing = db) {
            store.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 7_477L, 20_251_129L})
    void theCounterEqualsTheSumOfTheFilesAfterEveryChange(long seed) throws Exception {
        Random random = new Random(seed);
        List<User> users = new ArrayList<>();
        for (String name : List.of("alice", "bob", "carol")) {
            users.add(store.createUser(Name.of(name), "h", OptionalLong.empty()));
        }
        Map<Step, Integer> done = new EnumMap<>(Step.class);
        int refusals = 0;
        for (int i = 0; i < 300; i++) {
            User user = users.get(random.nextInt(users.size()));
            Step step = Step.values()[random.nextInt(Step.values().length)];
            if (step == Step.DELETE_USER && (i < 200 || users.size() < 3)) {
                step = Step.ADD; // one user goes, late, so that the others' counters are seen to stay right
            }
            try {
                apply(step, user, random);
                done.merge(step, 1, Integer::sum);
                if (step == Step.DELETE_USER) {
                    users.remove(user);
                }
            } catch (MetadataException e) {
                assertThat(e.reason()).as(step + ": " + e.getMessage()).isIn(EXPECTED_REFUSALS);
                refusals++;
            }
            for (User each : users) {
                long recounted = sumOfFileSizes(each);
                assertThat(storedCounter(each)).as("step %d (%s) of seed %d, user %s", i, step, seed, each.name())
                        .isEqualTo(recounted);
                assertThat(store.usage(each)).isEqualTo(recounted);
            }
        }
        assertThat(done.keySet()).as("every kind of change happened").containsAll(EnumSet.allOf(Step.class));
        assertThat(refusals).as("refused changes exercised").isPositive();
    }

    private void apply(Step step, User user, Random random) throws MetadataException {
        Tree tree = Tree.of(store, user);
        switch (step) {
            case ADD -> store.addFile(tree.anyDirectory(random), name(random), blob(random));
            case ADD_BATCH -> {
                List<MetadataStore.NewFile> batch = new ArrayList<>();
                for (int n = 1 + random.nextInt(4); n > 0; n--) { // the same name twice in a batch: a replace in it
                    batch.add(new MetadataStore.NewFile(tree.anyDirectory(random), name(random), blob(random)));
                }
                for (MetadataStore.Added added : store.addFiles(batch)) {
                    added.refusal().ifPresent(e -> assertThat(e.reason()).isIn(EXPECTED_REFUSALS));
                }
            }
            case COPY -> {
                if (tree.files().isEmpty()) {
                    return;
                }
                store.copy(tree.anyFile(random), tree.anyDirectory(random), name(random));
            }
            case MOVE -> {
                List<Node> movable = tree.allBelowRoot();
                if (movable.isEmpty()) {
                    return;
                }
                store.move(movable.get(random.nextInt(movable.size())), tree.anyDirectory(random), name(random));
            }
            case MKDIR -> store.mkdir(user, tree.pathTo(tree.anyDirectory(random), name(random)), true);
            case REMOVE -> {
                List<Node> removable = tree.allBelowRoot();
                if (removable.isEmpty()) {
                    return;
                }
                store.delete(removable.get(random.nextInt(removable.size())), true);
            }
            case QUOTA -> store.setQuota(user, random.nextBoolean() ? OptionalLong.empty()
                    : OptionalLong.of(random.nextLong(200_000)));
            case DELETE_USER -> store.deleteUser(user);
        }
    }

    private static Name name(Random random) {
        return Name.of(NAMES.get(random.nextInt(NAMES.size())));
    }

    private static BlobId blob(Random random) {
        return BLOBS.get(random.nextInt(BLOBS.size()));
    }

    /** What the counter stands for, recounted the way the usage was computed before there was a counter. */
    private long sumOfFileSizes(User user) throws SQLException {
        return single("SELECT COALESCE(SUM(size), 0) FROM nodes WHERE owner_id = ? AND kind = 'file'", user.id());
    }

    private long storedCounter(User user) throws SQLException {
        return single("SELECT used_bytes FROM users WHERE id = ?", user.id());
    }

    private long single(String sql, long id) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getLong(1);
            }
        }
    }

    /** A user's whole tree as the store lists it now, with the names on the way to each node. */
    private record Tree(Node root, List<Node> directories, List<Node> files, Map<Long, List<Name>> paths) {

        static Tree of(MetadataStore store, User user) throws MetadataException {
            Node root = store.root(user);
            Tree tree = new Tree(root, new ArrayList<>(List.of(root)), new ArrayList<>(),
                    new java.util.HashMap<>(Map.of(root.id(), List.of())));
            tree.walk(store, root);
            return tree;
        }

        private void walk(MetadataStore store, Node directory) throws MetadataException {
            for (Node child : store.list(directory)) {
                List<Name> path = new ArrayList<>(paths.get(directory.id()));
                path.add(Name.of(child.name()));
                paths.put(child.id(), path);
                if (child.isDirectory()) {
                    directories.add(child);
                    walk(store, child);
                } else {
                    files.add(child);
                }
            }
        }

        Node anyDirectory(Random random) {
            return directories.get(random.nextInt(directories.size()));
        }

        Node anyFile(Random random) {
            return files.get(random.nextInt(files.size()));
        }

        List<Node> allBelowRoot() {
            List<Node> nodes = new ArrayList<>(directories.subList(1, directories.size()));
            nodes.addAll(files);
            return nodes;
        }

        List<Name> pathTo(Node directory, Name name) {
            List<Name> path = new ArrayList<>(paths.get(directory.id()));
            path.add(name);
            return path;
        }
    }
}
