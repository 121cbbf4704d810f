package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdisk.server.MutableClock;
import netdisk.server.storage.MetadataException.Reason;

class JdbcMetadataStoreTest {

    private static final BlobId ONE = new BlobId("1".repeat(64), 100);
    private static final BlobId TWO = new BlobId("2".repeat(64), 2_000);
    private static final BlobId THREE = new BlobId("3".repeat(64), 30_000);

    @TempDir
    Path data;

    private TestDatabase db;
    private JdbcMetadataStore store;
    private User alice;

    @BeforeEach
    void open() throws Exception {
        db = TestDatabase.open(data);
        store = db.openStore();
        alice = store.createUser(Name.of("alice"), "$argon2id$hash", OptionalLong.empty());
    }

    @AfterEach
    void close() throws Exception {
        try (TestDatabase closing = db) {
            store.close();
        }
    }

    @Test
    void createsFindsListsAndDeletesUsers() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.of(1L << 40));

        assertThat(store.findUser(Name.of("bob"))).contains(bob);
        assertThat(store.findUser(Name.of("carol"))).isEmpty();
        assertThat(store.listUsers()).extracting(User::name).containsExactly("alice", "bob");
        assertThat(store.root(bob).isRoot()).isTrue();
        assertThatThrownBy(() -> store.createUser(Name.of("bob"), "h", OptionalLong.empty()))
                .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.ALREADY_EXISTS));

        store.deleteUser(bob);

        assertThat(store.findUser(Name.of("bob"))).isEmpty();
        assertThatThrownBy(() -> store.root(bob)).isInstanceOf(MetadataException.class);
    }

    @Test
    void mkdirWithParentsCreatesTheWholePathAndIsIdempotent() throws Exception {
        Node c = store.mkdir(alice, path("a", "b", "c"), true);

        assertThat(store.lookup(alice, path("a", "b", "c"))).contains(c);
        assertThat(store.mkdir(alice, path("a", "b", "c"), true)).isEqualTo(c);
        assertThat(store.list(store.lookup(alice, path("a")).orElseThrow()))
                .extracting(Node::name).containsExactly("b");
    }

    @Test
    void mkdirWithoutParentsNeedsTheParentAndAFreeName() throws Exception {
        assertMetadataError(() -> store.mkdir(alice, path("x", "y"), false), Reason.NOT_FOUND);
        store.mkdir(alice, path("x"), false);
        assertMetadataError(() -> store.mkdir(alice, path("x"), false), Reason.ALREADY_EXISTS);
        store.addFile(store.root(alice), Name.of("f"), ONE);
        assertMetadataError(() -> store.mkdir(alice, path("f", "g"), true), Reason.NOT_A_DIRECTORY);
        assertMetadataError(() -> store.mkdir(alice, path("f"), false), Reason.ALREADY_EXISTS);
    }

    @Test
    void listsADirectoryByName() throws Exception {
        Node root = store.root(alice);
        store.addFile(root, Name.of("zeta"), ONE);
        store.mkdir(alice, path("alpha"), false);
        store.addFile(root, Name.of("mid"), TWO);

        List<Node> entries = store.list(root);

        assertThat(entries).extracting(Node::name).containsExactly("alpha", "mid", "zeta");
        assertThat(entries.get(0).isDirectory()).isTrue();
        assertThat(entries.get(1).blob()).contains(TWO);
        assertThat(entries.get(1).size()).isEqualTo(TWO.size());
        assertMetadataError(() -> store.list(entries.get(1)), Reason.NOT_A_DIRECTORY);
    }

    @Test
    void chineseAndOtherNonAsciiNamesRoundTripExactly() throws Exception {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        Node dir = store.mkdir(alice, path("文档", "二〇二六年"), true);
        store.addFile(dir, Name.of("报告 最终版.txt"), ONE);
        store.addFile(dir, Name.of(composed), TWO);
        store.addFile(dir, Name.of(decomposed), THREE);

        assertThat(store.lookup(alice, path("文档", "二〇二六年", "报告 最终版.txt")).orElseThrow().name())
                .isEqualTo("报告 最终版.txt");
        assertThat(store.lookup(alice, path("文档", "二〇二六年", composed)).orElseThrow().blob()).contains(TWO);
        assertThat(store.lookup(alice, path("文档", "二〇二六年", decomposed)).orElseThrow().blob()).contains(THREE);
        assertThat(store.list(dir)).extracting(Node::name)
                .containsExactlyInAnyOrder("报告 最终版.txt", composed, decomposed);
        assertThat(store.lookup(alice, path("文档", "二〇二六年", "报告 最终版.TXT"))).isEmpty();
    }

    @Test
    void duplicateNamesAreRefusedButAFileCanBeReplaced() throws Exception {
        Node root = store.root(alice);
        Node dir = store.mkdir(alice, path("d"), false);
        store.addFile(root, Name.of("f"), ONE);

        assertMetadataError(() -> store.addFile(root, Name.of("d"), TWO), Reason.IS_A_DIRECTORY);
        assertMetadataError(() -> store.copy(store.lookup(alice, path("f")).orElseThrow(), root, Name.of("d")),
                Reason.ALREADY_EXISTS);
        assertMetadataError(() -> store.move(dir, root, Name.of("f")), Reason.ALREADY_EXISTS);

        Change<Node> replaced = store.addFile(root, Name.of("f"), TWO);

        assertThat(replaced.value().blob()).contains(TWO);
        assertThat(replaced.orphanedBlobs()).containsExactly(ONE);
        assertThat(store.list(root)).hasSize(2);
        assertThat(store.isReferenced(ONE.sha256())).isFalse();
    }

    @Test
    void replacingAFileWithTheSameBlobOrphansNothing() throws Exception {
        Node root = store.root(alice);
        store.addFile(root, Name.of("f"), ONE);

        assertThat(store.addFile(root, Name.of("f"), ONE).orphanedBlobs()).isEmpty();
        assertThat(store.isReferenced(ONE.sha256())).isTrue();
    }

    @Test
    void aBlobOfASizeIsFoundWhileAFileRefersToIt() throws Exception {
        Node root = store.root(alice);
        assertThat(store.hasBlobOfSize(ONE.size())).isFalse();

        store.addFile(root, Name.of("f"), ONE);
        store.addFile(root, Name.of("g"), TWO);

        assertThat(store.hasBlobOfSize(ONE.size())).isTrue();
        assertThat(store.hasBlobOfSize(TWO.size())).isTrue();
        assertThat(store.hasBlobOfSize(ONE.size() + 1)).isFalse();
        assertThat(store.addFile(root, Name.of("f"), THREE).orphanedBlobs()).containsExactly(ONE);
        assertThat(store.hasBlobOfSize(ONE.size())).as("its last file replaced").isFalse();
    }

    @Test
    void hostileNamesNeverReachTheStore() {
        for (String hostile : List.of("..", ".", "a/b", "nul\0byte", "y".repeat(256), "")) {
            assertThatThrownBy(() -> store.mkdir(alice, List.of(Name.of(hostile)), true))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void moveRenamesAndRefusesToMoveADirectoryIntoItself() throws Exception {
        Node a = store.mkdir(alice, path("a"), false);
        Node b = store.mkdir(alice, path("a", "b"), false);
        Node file = store.addFile(b, Name.of("f"), ONE).value();
        Node other = store.mkdir(alice, path("other"), false);

        assertMetadataError(() -> store.move(a, a, Name.of("a2")), Reason.INVALID_OPERATION);
        assertMetadataError(() -> store.move(a, b, Name.of("a2")), Reason.INVALID_OPERATION);
        assertMetadataError(() -> store.move(store.root(alice), other, Name.of("r")), Reason.INVALID_OPERATION);
        assertMetadataError(() -> store.move(a, file, Name.of("x")), Reason.NOT_A_DIRECTORY);

        Node moved = store.move(a, other, Name.of("renamed"));

        assertThat(moved.parentId()).hasValue(other.id());
        assertThat(store.lookup(alice, path("a"))).isEmpty();
        assertThat(store.lookup(alice, path("other", "renamed", "b", "f"))).map(Node::id).contains(file.id());
        assertThat(store.move(file, store.lookup(alice, path("other", "renamed", "b")).orElseThrow(), Name.of("f")))
                .isEqualTo(store.lookup(alice, path("other", "renamed", "b", "f")).orElseThrow());
        assertThat(store.isReferenced(ONE.sha256())).isTrue();
    }

    @Test
    void copySharesTheBlobAndCountsTheReference() throws Exception {
        Node root = store.root(alice);
        Node original = store.addFile(root, Name.of("original"), ONE).value();
        Node dir = store.mkdir(alice, path("d"), false);

        Node copy = store.copy(original, dir, Name.of("copy"));

        assertThat(copy.blob()).contains(ONE);
        assertThat(store.usage(alice)).isEqualTo(2 * ONE.size());
        assertThat(store.delete(original, false).orphanedBlobs()).isEmpty();
        assertThat(store.isReferenced(ONE.sha256())).isTrue();
        assertThat(store.delete(copy, false).orphanedBlobs()).containsExactly(ONE);
        assertThat(store.isReferenced(ONE.sha256())).isFalse();
        assertMetadataError(() -> store.copy(dir, root, Name.of("dir-copy")), Reason.IS_A_DIRECTORY);
    }

    @Test
    void recursiveDeleteReturnsExactlyTheBlobsNoFileRefersToAnyMore() throws Exception {
        Node root = store.root(alice);
        Node deep = store.mkdir(alice, path("top", "mid", "deep"), true);
        store.addFile(deep, Name.of("one"), ONE);
        store.addFile(deep, Name.of("one-again"), ONE);
        store.addFile(store.lookup(alice, path("top")).orElseThrow(), Name.of("two"), TWO);
        store.addFile(root, Name.of("two-outside"), TWO);
        store.addFile(store.lookup(alice, path("top", "mid")).orElseThrow(), Name.of("three"), THREE);
        Node top = store.lookup(alice, path("top")).orElseThrow();

        assertMetadataError(() -> store.delete(top, false), Reason.NOT_EMPTY);
        Change<Integer> removal = store.delete(top, true);

        assertThat(removal.value()).isEqualTo(7);
        assertThat(removal.orphanedBlobs()).containsExactlyInAnyOrder(ONE, THREE);
        assertThat(store.list(root)).extracting(Node::name).containsExactly("two-outside");
        assertThat(store.isReferenced(TWO.sha256())).isTrue();
        assertThat(store.usage(alice)).isEqualTo(TWO.size());
        assertMetadataError(() -> store.delete(root, true), Reason.INVALID_OPERATION);
        assertMetadataError(() -> store.delete(top, true), Reason.NOT_FOUND);
    }

    @Test
    void deletingAUserReleasesTheirBlobsButNotSharedOnes() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.empty());
        store.addFile(store.root(alice), Name.of("shared"), ONE);
        store.addFile(store.root(bob), Name.of("shared"), ONE);
        store.addFile(store.mkdir(bob, path("private"), false), Name.of("mine"), TWO);

        Change<User> removal = store.deleteUser(bob);

        assertThat(removal.orphanedBlobs()).containsExactly(TWO);
        assertThat(store.isReferenced(ONE.sha256())).isTrue();
    }

    @Test
    void usersCannotSeeOrTouchEachOthersNodes() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.empty());
        Node secret = store.addFile(store.mkdir(alice, path("secret"), false), Name.of("plans"), ONE).value();
        Node bobsRoot = store.root(bob);

        assertThat(store.lookup(bob, path("secret"))).isEmpty();
        assertThat(store.list(bobsRoot)).isEmpty();
        assertMetadataError(() -> store.move(secret, bobsRoot, Name.of("stolen")), Reason.NOT_FOUND);
        assertMetadataError(() -> store.copy(secret, bobsRoot, Name.of("stolen")), Reason.NOT_FOUND);
        Node forged = new Node(secret.id(), bob.id(), secret.parentId(), secret.name(), secret.kind(), secret.size(),
                secret.blob(), secret.createdAt(), secret.modifiedAt());
        assertMetadataError(() -> store.delete(forged, false), Reason.NOT_FOUND);
        assertThat(store.usage(bob)).isZero();
        assertThat(store.lookup(alice, path("secret", "plans"))).isPresent();
    }

    @Test
    void lookupThroughAFileFindsNothing() throws Exception {
        store.addFile(store.root(alice), Name.of("f"), ONE);

        assertThat(store.lookup(alice, path("f", "g"))).isEmpty();
        assertThat(store.lookup(alice, List.of())).contains(store.root(alice));
    }

    @Test
    void theSameHashWithADifferentSizeIsRefused() throws Exception {
        store.addFile(store.root(alice), Name.of("f"), ONE);

        assertMetadataError(() -> store.addFile(store.root(alice), Name.of("g"), new BlobId(ONE.sha256(), 1)),
                Reason.STORAGE_ERROR);
        assertThat(store.lookup(alice, path("g"))).isEmpty();
    }

    @Test
    void aBatchFileRefusedForItsSizeLeavesTheBlobsCountAlone() throws Exception {
        Node root = store.root(alice);
        store.addFile(root, Name.of("f"), ONE);

        List<MetadataStore.Added> added = store.addFiles(List.of(
                new MetadataStore.NewFile(root, Name.of("g"), new BlobId(ONE.sha256(), 1)),
                new MetadataStore.NewFile(root, Name.of("h"), TWO)));

        assertThat(added.get(0).refusal()).hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(Reason.STORAGE_ERROR));
        assertThat(added.get(1).change()).isPresent();
        // f was the only reference to ONE: removing it orphans the blob (a count left at 2 would keep it forever)
        assertThat(store.delete(store.lookup(alice, path("f")).orElseThrow(), false).orphanedBlobs()).containsExactly(ONE);
    }

    @Test
    void aBatchSetsEachDirectoryTimeToItsLastFileAndKeepsCountingTheQuota() throws Exception {
        var clock = new MutableClock(Instant.parse("2027-01-15T08:00:00Z"));
        clock.advanceOnEveryReading(Duration.ofSeconds(1));
        try (JdbcMetadataStore ticking = db.openStore(clock)) {
            User bob = ticking.createUser(Name.of("bob"), "h", OptionalLong.empty());
            Node a = ticking.mkdir(bob, path("a"), false);
            Node b = ticking.mkdir(bob, path("b"), false);
            ticking.addFile(a, Name.of("old"), TWO);
            ticking.setQuota(bob, OptionalLong.of(ONE.size() * 3 + 50)); // below the usage: TWO is bigger

            List<MetadataStore.Added> added = ticking.addFiles(List.of(
                    new MetadataStore.NewFile(a, Name.of("old"), ONE), // smaller than TWO: always fits
                    new MetadataStore.NewFile(b, Name.of("2"), ONE), // fits only once TWO's bytes are freed
                    new MetadataStore.NewFile(a, Name.of("1"), ONE),
                    new MetadataStore.NewFile(b, Name.of("3"), ONE), // 4 × ONE: past the quota
                    new MetadataStore.NewFile(b, Name.of("4"), THREE)));

            assertThat(added).extracting(r -> r.refusal().map(e -> e.reason().name()).orElse("added"))
                    .containsExactly("added", "added", "added", "QUOTA_EXCEEDED", "QUOTA_EXCEEDED");
            assertThat(ticking.usage(bob)).isEqualTo(ONE.size() * 3);
            Instant lastInA = ticking.lookup(bob, path("a", "1")).orElseThrow().modifiedAt();
            Instant lastInB = ticking.lookup(bob, path("b", "2")).orElseThrow().modifiedAt();
            assertThat(lastInA).isAfter(lastInB);
            assertThat(ticking.lookup(bob, path("a")).orElseThrow().modifiedAt()).isEqualTo(lastInA);
            assertThat(ticking.lookup(bob, path("b")).orElseThrow().modifiedAt()).isEqualTo(lastInB);
        }
    }

    @Test
    void aBatchOfSeveralOwnersCountsEachFileAgainstItsOwnersQuota() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.empty());
        store.setQuota(bob, OptionalLong.of(ONE.size()));
        Node alices = store.root(alice);
        Node bobs = store.root(bob);

        List<MetadataStore.Added> added = store.addFiles(List.of(
                new MetadataStore.NewFile(bobs, Name.of("1"), ONE),
                new MetadataStore.NewFile(alices, Name.of("1"), ONE),
                new MetadataStore.NewFile(bobs, Name.of("2"), ONE), // past Bob's quota
                new MetadataStore.NewFile(alices, Name.of("2"), TWO)));

        assertThat(added).extracting(r -> r.refusal().map(e -> e.reason().name()).orElse("added"))
                .containsExactly("added", "added", "QUOTA_EXCEEDED", "added");
        assertThat(store.usage(bob)).isEqualTo(ONE.size());
        assertThat(store.usage(alice)).isEqualTo(ONE.size() + TWO.size());
        assertThat(store.lookup(bob, path("2"))).isEmpty();
        assertThat(store.lookup(alice, path("2")).orElseThrow().blob()).contains(TWO);
    }

    @Test
    void dataSurvivesReopening() throws Exception {
        store.addFile(store.mkdir(alice, path("keep"), false), Name.of("文件"), ONE);
        store.close();

        store = db.openStore();

        assertThat(store.lookup(alice, path("keep", "文件")).orElseThrow().blob()).contains(ONE);
    }

    @Test
    void concurrentWritersFromTwoPoolsQueueInsteadOfFailing() throws Exception {
        Node root = store.root(alice);
        try (JdbcMetadataStore second = db.openStore();
             var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                JdbcMetadataStore writer = t % 2 == 0 ? store : second;
                int thread = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        writer.addFile(root, Name.of("f-" + thread + "-" + i), i % 2 == 0 ? ONE : TWO);
                    }
                    return null;
                }));
            }
            for (var result : results) {
                result.get();
            }
        }

        assertThat(store.list(root)).hasSize(200);
        assertThat(store.usage(alice)).isEqualTo(8 * (13 * ONE.size() + 12 * TWO.size()));
        Node any = store.lookup(alice, path("f-0-0")).orElseThrow();
        assertThat(store.delete(any, false).orphanedBlobs()).isEmpty();
    }

    @Test
    void passwordHashAndQuotaCanBeChangedUntilTheUserIsGone() throws Exception {
        User changed = store.setPasswordHash(alice, "$argon2id$new");

        assertThat(changed.passwordHash()).isEqualTo("$argon2id$new");
        assertThat(store.findUser(Name.of("alice"))).contains(changed);
        assertThat(store.setQuota(alice, OptionalLong.of(1L << 30)).quotaBytes()).hasValue(1L << 30);
        assertThat(store.findUser(Name.of("alice")).orElseThrow().quotaBytes()).hasValue(1L << 30);
        assertThat(store.setQuota(alice, OptionalLong.of(0)).quotaBytes()).hasValue(0);
        assertThat(store.setQuota(alice, OptionalLong.empty()).quotaBytes()).isEmpty();
        assertThat(store.findUser(Name.of("alice")).orElseThrow())
                .isEqualTo(new User(alice.id(), "alice", "$argon2id$new", OptionalLong.empty(), alice.createdAt()));
        assertThatThrownBy(() -> store.setQuota(alice, OptionalLong.of(-1)))
                .isInstanceOf(IllegalArgumentException.class);

        store.deleteUser(alice);

        assertMetadataError(() -> store.setPasswordHash(alice, "h"), Reason.NOT_FOUND);
        assertMetadataError(() -> store.setQuota(alice, OptionalLong.of(1)), Reason.NOT_FOUND);
        assertMetadataError(() -> store.remainingQuota(alice), Reason.NOT_FOUND);
    }

    @Test
    void aFileThatWouldGoOverTheQuotaIsRefusedWithTheNumbers() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.of(ONE.size() + TWO.size()));
        Node root = store.root(bob);
        store.addFile(root, Name.of("one"), ONE);
        store.addFile(root, Name.of("two"), TWO); // exactly at the quota: fine

        assertThatThrownBy(() -> store.addFile(root, Name.of("three"), THREE))
                .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.QUOTA_EXCEEDED))
                .hasMessage("quota exceeded: 2.05 KiB used of 2.05 KiB, the file needs 29.3 KiB");
        assertThat(store.lookup(bob, path("three"))).isEmpty();
        assertThat(store.isReferenced(THREE.sha256())).isFalse();
        assertThat(store.usage(bob)).isEqualTo(ONE.size() + TWO.size());
        assertThat(store.remainingQuota(bob)).hasValue(0);
        assertThat(store.addFile(store.root(alice), Name.of("unlimited"), THREE).value().size())
                .isEqualTo(THREE.size());
        assertThat(store.remainingQuota(alice)).isEmpty();
    }

    @Test
    void aReplacedFileCountsOnlyTheDifference() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.of(TWO.size() + ONE.size()));
        Node root = store.root(bob);
        store.addFile(root, Name.of("big"), TWO);
        store.addFile(root, Name.of("small"), ONE);
        BlobId sameSize = new BlobId("4".repeat(64), TWO.size());
        BlobId slightlyBigger = new BlobId("5".repeat(64), ONE.size() + 1);

        assertThat(store.addFile(root, Name.of("big"), sameSize).orphanedBlobs()).containsExactly(TWO);
        assertThatThrownBy(() -> store.addFile(root, Name.of("small"), slightlyBigger))
                .hasMessage("quota exceeded: 2.05 KiB used of 2.05 KiB, the file needs 101 B"
                        + " (the file it replaces frees 100 B)");
        assertThat(store.lookup(bob, path("small")).orElseThrow().blob()).contains(ONE);
        store.addFile(root, Name.of("big"), ONE);
        store.addFile(root, Name.of("small"), slightlyBigger);

        assertThat(store.usage(bob)).isEqualTo(2 * ONE.size() + 1);
    }

    @Test
    void aCopyCountsAgainstTheQuotaLikeAnyFile() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.of(ONE.size() + ONE.size() / 2));
        Node root = store.root(bob);
        Node original = store.addFile(root, Name.of("original"), ONE).value();

        assertMetadataError(() -> store.copy(original, root, Name.of("copy")), Reason.QUOTA_EXCEEDED);
        assertThat(store.lookup(bob, path("copy"))).isEmpty();
        store.setQuota(bob, OptionalLong.of(2 * ONE.size()));
        assertThat(store.copy(original, root, Name.of("copy")).blob()).contains(ONE);
        assertThat(store.remainingQuota(bob)).hasValue(0);
    }

    @Test
    void aUserOverALoweredQuotaCanShrinkButNotGrow() throws Exception {
        Node root = store.root(alice);
        store.addFile(root, Name.of("f"), THREE);
        store.addFile(root, Name.of("g"), TWO);
        User limited = store.setQuota(alice, OptionalLong.of(TWO.size()));
        BlobId empty = new BlobId("e".repeat(64), 0);

        assertThat(store.remainingQuota(limited)).hasValue(0);
        assertMetadataError(() -> store.addFile(root, Name.of("new"), ONE), Reason.QUOTA_EXCEEDED);
        assertMetadataError(() -> store.addFile(root, Name.of("g"), THREE), Reason.QUOTA_EXCEEDED);
        assertThat(store.addFile(root, Name.of("f"), ONE).orphanedBlobs()).containsExactly(THREE);
        assertThat(store.addFile(root, Name.of("g"), TWO).orphanedBlobs()).isEmpty();
        assertThat(store.addFile(root, Name.of("empty"), empty).value().size()).isZero();
        assertThat(store.usage(alice)).isEqualTo(ONE.size() + TWO.size());
    }

    /** Seeded random operations against a model: the store refuses exactly what the model says goes over. */
    @Test
    void quotaAndUsageFollowAModelThroughRandomOperations() throws Exception {
        List<BlobId> blobs = List.of(new BlobId("a".repeat(64), 0), new BlobId("b".repeat(64), 7),
                new BlobId("c".repeat(64), 50), new BlobId("d".repeat(64), 300), new BlobId("f".repeat(64), 1_000));
        Random random = new Random(7_477L);
        int refusals = 0;
        for (int round = 0; round < 5; round++) {
            User user = store.createUser(Name.of("u" + round), "h", OptionalLong.of(random.nextInt(3_000)));
            Node root = store.root(user);
            Map<String, Long> model = new TreeMap<>();
            OptionalLong quota = user.quotaBytes();
            for (int step = 0; step < 60; step++) {
                String name = "n" + random.nextInt(8);
                long used = model.values().stream().mapToLong(Long::longValue).sum();
                switch (random.nextInt(10)) {
                    case 0 -> {
                        quota = random.nextInt(4) == 0 ? OptionalLong.empty() : OptionalLong.of(random.nextInt(3_000));
                        store.setQuota(user, quota);
                    }
                    case 1, 2 -> {
                        if (model.containsKey(name)) {
                            store.delete(store.lookup(user, path(name)).orElseThrow(), false);
                            model.remove(name);
                        }
                    }
                    case 3, 4 -> {
                        String target = "n" + random.nextInt(8);
                        if (model.containsKey(name) && !model.containsKey(target)) {
                            long size = model.get(name);
                            Node source = store.lookup(user, path(name)).orElseThrow();
                            if (fits(quota, used, size, 0)) {
                                store.copy(source, root, Name.of(target));
                                model.put(target, size);
                            } else {
                                assertMetadataError(() -> store.copy(source, root, Name.of(target)),
                                        Reason.QUOTA_EXCEEDED);
                                refusals++;
                            }
                        }
                    }
                    default -> {
                        BlobId blob = blobs.get(random.nextInt(blobs.size()));
                        if (fits(quota, used, blob.size(), model.getOrDefault(name, 0L))) {
                            store.addFile(root, Name.of(name), blob);
                            model.put(name, blob.size());
                        } else {
                            assertMetadataError(() -> store.addFile(root, Name.of(name), blob),
                                    Reason.QUOTA_EXCEEDED);
                            refusals++;
                        }
                    }
                }
                long usage = model.values().stream().mapToLong(Long::longValue).sum();
                assertThat(store.usage(user)).isEqualTo(usage);
                assertThat(store.list(root)).extracting(Node::name).containsExactlyElementsOf(model.keySet());
                assertThat(store.remainingQuota(user)).isEqualTo(quota.isEmpty() ? OptionalLong.empty()
                        : OptionalLong.of(Math.max(0, quota.getAsLong() - usage)));
            }
        }
        assertThat(refusals).as("refusals exercised").isGreaterThan(10);
    }

    /** A change fits when there is no quota, it stays within it, or it does not grow the usage. */
    private static boolean fits(OptionalLong quota, long used, long adding, long removing) {
        long after = used - removing + adding;
        return quota.isEmpty() || after <= quota.getAsLong() || after <= used;
    }

    @Test
    void concurrentUploadsOfOneUserCannotOvershootTheQuota() throws Exception {
        User bob = store.createUser(Name.of("bob"), "h", OptionalLong.of(10 * ONE.size()));
        Node root = store.root(bob);
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try (JdbcMetadataStore second = db.openStore();
             var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                JdbcMetadataStore writer = t % 2 == 0 ? store : second;
                int thread = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        try {
                            writer.addFile(root, Name.of("f-" + thread + "-" + i), ONE);
                        } catch (MetadataException e) {
                            assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (var result : results) {
                result.get();
            }
        }

        assertThat(store.list(root)).hasSize(10);
        assertThat(refused).hasValue(30);
        assertThat(store.usage(bob)).isEqualTo(10 * ONE.size());
    }

    static List<Name> path(String... names) {
        return Arrays.stream(names).map(Name::of).toList();
    }

    @FunctionalInterface
    interface Action {
        Object run() throws Exception;
    }

    static void assertMetadataError(Action action, Reason reason) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(MetadataException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}
