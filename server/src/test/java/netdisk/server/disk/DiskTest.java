package netdisk.server.disk;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.Sha256;
import netdisk.server.storage.BlobLock;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.MetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.Node;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.User;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DiskTest {

    @TempDir
    Path data;

    private JdbcMetadataStore metadata;
    private HikariDataSource database;
    private FileBlobStore blobs;
    private Disk disk;
    private User alice;
    private User bob;

    @BeforeEach
    void open() throws Exception {
        metadata = JdbcMetadataStore.openSqlite(data);
        database = MetadataDatabase.connectSqlite(data);
        blobs = FileBlobStore.open(data);
        disk = Disk.open(metadata, new UnfinishedUploads(database, Clock.systemUTC()), blobs, data);
        alice = metadata.createUser(Name.of("alice"), "hash", OptionalLong.empty());
        bob = metadata.createUser(Name.of("bob"), "hash", OptionalLong.empty());
    }

    @AfterEach
    void close() throws IOException {
        disk.close();
        database.close();
        metadata.close();
    }

    @Test
    void aTreeWithChineseNamesRoundTripsExactly() throws Exception {
        disk.mkdir(alice, path("/文档/2026"), true);
        put(alice, "/文档/2026/报告 final.txt", "内容");
        put(alice, "/文档/cafe\u0301", "decomposed");
        put(alice, "/文档/caf\u00e9", "composed");

        assertThat(names(alice, "/文档")).containsExactly("2026", "cafe\u0301", "caf\u00e9"); // by code unit
        assertThat(read(alice, "/文档/2026/报告 final.txt")).isEqualTo("内容");
        assertThat(read(alice, "/文档/cafe\u0301")).isEqualTo("decomposed");
        var stat = disk.stat(alice, path("文档/2026/报告 final.txt"));
        assertThat(stat.path()).isEqualTo("/文档/2026/报告 final.txt");
        assertThat(stat.entry().size()).isEqualTo("内容".getBytes(StandardCharsets.UTF_8).length);
        assertThat(stat.entry().sha256()).hasSize(64);
    }

    @Test
    void twoUsersCannotSeeOrTouchEachOthersEntries() throws Exception {
        disk.mkdir(alice, path("/private"), false);
        put(alice, "/private/secret.txt", "alice's secret");

        assertThat(disk.list(bob, DiskPath.ROOT)).isEmpty();
        List<ThrowingConsumer<DiskPath>> attempts = List.of(
                p -> disk.list(bob, p),
                p -> disk.stat(bob, p),
                p -> disk.openForDownload(bob, p).content().close(),
                p -> disk.remove(bob, p, true),
                p -> disk.move(bob, p, path("/stolen")),
                p -> disk.copy(bob, p, path("/stolen")),
                p -> disk.beginUpload(bob, p.resolve(Name.of("x")), 1).close());
        for (String target : List.of("/private", "/private/secret.txt")) {
            for (var attempt : attempts) {
                assertThatThrownBy(() -> attempt.accept(path(target)))
                        .isInstanceOfSatisfying(DiskException.class,
                                e -> assertThat(e.code()).isIn(ErrorCode.NOT_FOUND, ErrorCode.IS_A_DIRECTORY));
            }
        }
        put(bob, "/private", "bob's own file of the same name");
        assertThat(read(alice, "/private/secret.txt")).isEqualTo("alice's secret");
        assertThat(read(bob, "/private")).isEqualTo("bob's own file of the same name");
        assertThat(disk.usage(bob).files()).isEqualTo(1);
    }

    @Test
    void identicalContentsAreStoredOnceAndOutliveEachName() throws Exception {
        put(alice, "/a.bin", "same bytes");
        put(alice, "/b.bin", "same bytes");
        put(bob, "/c.bin", "same bytes");
        assertThat(blobFiles()).hasSize(1);

        disk.remove(alice, path("/a.bin"), false);
        assertThat(read(alice, "/b.bin")).isEqualTo("same bytes");
        disk.remove(alice, path("/b.bin"), false);
        assertThat(read(bob, "/c.bin")).isEqualTo("same bytes");
        assertThat(blobFiles()).hasSize(1);

        disk.remove(bob, path("/c.bin"), false);
        assertThat(blobFiles()).isEmpty();
    }

    @Test
    void copySharesTheBlobAndReplacingAFileDropsTheOldOne() throws Exception {
        put(alice, "/a.txt", "first");
        disk.mkdir(alice, path("/backup"), false);
        var copy = disk.copy(alice, path("/a.txt"), path("/backup"));
        assertThat(copy.path()).isEqualTo("/backup/a.txt");
        assertThat(blobFiles()).hasSize(1);

        put(alice, "/a.txt", "second");
        assertThat(read(alice, "/a.txt")).isEqualTo("second");
        assertThat(read(alice, "/backup/a.txt")).isEqualTo("first");
        assertThat(blobFiles()).hasSize(2);
        disk.remove(alice, path("/backup"), true);
        assertThat(blobFiles()).hasSize(1);
    }

    @Test
    void quotaRefusesAnUploadBeforeItsContentAndACopyThatWouldExceedIt() throws Exception {
        User carol = metadata.createUser(Name.of("carol"), "hash", OptionalLong.of(10));
        put(carol, "/eight", "12345678");
        assertThatThrownBy(() -> disk.beginUpload(carol, path("/three"), 3))
                .isInstanceOfSatisfying(DiskException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED))
                .hasMessageContaining("8 B used of 10 B");
        put(carol, "/eight", "123456789"); // replacing: 9 of 10
        assertThat(disk.usage(carol).used()).isEqualTo(9);
        assertThat(disk.usage(carol).quota()).isEqualTo(10);
        assertThatThrownBy(() -> disk.copy(carol, path("/eight"), path("/nine")))
                .isInstanceOfSatisfying(DiskException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        assertThat(names(carol, "/")).containsExactly("eight");
    }

    @Test
    void anAbandonedUploadLeavesNothing() throws Exception {
        try (Upload upload = disk.beginUpload(alice, path("/half.bin"), 100)) {
            upload.content().write(ByteBuffer.wrap(new byte[40]));
            assertThat(blobs.temporaryFileCount()).isOne();
        }
        assertThat(blobs.temporaryFileCount()).isZero();
        assertThat(disk.list(alice, DiskPath.ROOT)).isEmpty();
        try (Upload upload = disk.beginUpload(alice, path("/short.bin"), 100)) {
            upload.content().write(ByteBuffer.wrap(new byte[99]));
            assertThatThrownBy(() -> upload.commit(Optional.empty())).isInstanceOfSatisfying(DiskException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSFER_FAILED));
        }
        assertThat(blobs.temporaryFileCount()).isZero();
        assertThat(blobFiles()).isEmpty();
    }

    @Test
    void treeOperationsRefuseWhatCannotBeDone() throws Exception {
        disk.mkdir(alice, path("/a/b/c"), true);
        put(alice, "/a/file", "x");
        record Refusal(ThrowingConsumer<Void> call, ErrorCode code) {
        }
        List<Refusal> refusals = List.of(
                new Refusal(v -> disk.mkdir(alice, path("/a"), false), ErrorCode.ALREADY_EXISTS),
                new Refusal(v -> disk.mkdir(alice, path("/x/y"), false), ErrorCode.NOT_FOUND),
                new Refusal(v -> disk.mkdir(alice, path("/a/file/y"), false), ErrorCode.NOT_A_DIRECTORY),
                new Refusal(v -> disk.remove(alice, path("/a"), false), ErrorCode.NOT_EMPTY),
                new Refusal(v -> disk.remove(alice, DiskPath.ROOT, true), ErrorCode.INVALID_OPERATION),
                new Refusal(v -> disk.move(alice, path("/a"), path("/a/b/c")), ErrorCode.INVALID_OPERATION),
                new Refusal(v -> disk.move(alice, path("/a/file"), path("/a/b/c/../nope")), ErrorCode.BAD_PATH),
                new Refusal(v -> disk.copy(alice, path("/a/b"), path("/copy")), ErrorCode.IS_A_DIRECTORY),
                new Refusal(v -> disk.openForDownload(alice, path("/a")), ErrorCode.IS_A_DIRECTORY),
                new Refusal(v -> disk.beginUpload(alice, path("/a/b"), 1), ErrorCode.IS_A_DIRECTORY),
                new Refusal(v -> disk.beginUpload(alice, path("/a/file/x"), 1), ErrorCode.NOT_A_DIRECTORY));
        for (Refusal refusal : refusals) {
            assertThatThrownBy(() -> refusal.call().accept(null)).isInstanceOfSatisfying(DiskException.class,
                    e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(refusal.code()));
        }
        put(alice, "/other", "y");
        assertThatThrownBy(() -> disk.move(alice, path("/other"), path("/a/file")))
                .isInstanceOfSatisfying(DiskException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));

        assertThat(disk.move(alice, path("/a/b"), path("/moved")).path()).isEqualTo("/moved");
        assertThat(names(alice, "/moved")).containsExactly("c");
        assertThat(disk.remove(alice, path("/a"), true)).isEqualTo(2); // a and its file
        assertThat(names(alice, "/")).containsExactly("moved", "other");
    }

    @Test
    void racingUploadsAndDeletesOfOneContentNeverLeaveAFileWithoutItsBlob() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String name = "/f" + t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        put(alice, name, "contended content");
                        disk.remove(alice, path(name), false);
                    }
                    put(alice, name, "contended content");
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (Entry entry : disk.list(alice, DiskPath.ROOT)) {
            assertThat(read(alice, "/" + entry.name())).isEqualTo("contended content");
        }
        assertThat(blobFiles()).hasSize(1);
    }

    @Test
    void contentThatDoesNotHashToWhatTheClientAnnouncedIsNotStored() throws Exception {
        byte[] bytes = "the real content".getBytes(StandardCharsets.UTF_8);
        try (Upload upload = disk.beginUpload(alice, path("/claimed.txt"), bytes.length)) {
            upload.content().write(ByteBuffer.wrap(bytes));
            assertThatThrownBy(() -> upload.commit(Optional.of("0".repeat(64))))
                    .isInstanceOfSatisfying(DiskException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSFER_FAILED))
                    .hasMessageContaining("does not match the SHA-256 the client announced");
        }
        assertThat(disk.list(alice, DiskPath.ROOT)).isEmpty();
        assertThat(blobFiles()).isEmpty();
        assertThat(blobs.temporaryFileCount()).isZero();
    }

    @Test
    void storedContentIsAddedOnlyForTheRightProof() throws Exception {
        byte[] content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        Path local = Files.write(data.resolve("local.bin"), content);
        String sha256 = put(alice, "/original.bin", content).blob().orElseThrow().sha256();

        var blob = disk.storedContent(sha256, content.length).orElseThrow();
        assertThat(disk.storedContent(sha256, content.length + 1)).as("the size must match too").isEmpty();
        assertThat(disk.storedContent("0".repeat(64), content.length)).isEmpty();

        ContentChallenge challenge = disk.challenge(blob);
        var ranges = challenge.message().ranges();
        assertThat(ranges).hasSize(ContentChallenge.RANGES)
                .allSatisfy(r -> assertThat(r.offset() + r.length()).isLessThanOrEqualTo(content.length));
        byte[] nonce = java.util.HexFormat.of().parseHex(challenge.message().nonce());
        List<String> right = new ArrayList<>();
        try (var channel = java.nio.channels.FileChannel.open(local)) {
            for (var range : ranges) {
                right.add(ContentChallenge.answer(nonce, channel, range));
            }
        }
        assertThat(disk.verify(challenge, List.of(sha256, sha256, sha256))).as("the hash alone").isFalse();
        assertThat(disk.verify(challenge, right.subList(0, 2))).as("too few answers").isFalse();
        assertThat(disk.verify(disk.challenge(blob), right)).as("answers to another challenge").isFalse();
        assertThat(disk.verify(challenge, right)).isTrue();

        assertThat(disk.addStoredContent(bob, path("/copy.bin"), blob)).isPresent();
        assertThat(disk.stat(bob, path("/copy.bin")).entry().sha256()).isEqualTo(sha256);
        assertThat(blobFiles()).hasSize(1);

        disk.remove(alice, path("/original.bin"), false);
        disk.remove(bob, path("/copy.bin"), false);
        assertThat(disk.addStoredContent(bob, path("/late.bin"), blob)).as("the content is gone").isEmpty();
        assertThat(disk.list(bob, DiskPath.ROOT)).isEmpty();
    }

    @Test
    void smallFilesAreStoredTogetherEachStoredOrRefusedOnItsOwn() throws Exception {
        disk.mkdir(alice, path("/docs"), false);
        put(bob, "/known.txt", "stored before");
        disk.mkdir(alice, path("/docs/dir-in-the-way"), false);
        List<Disk.SmallFile> files = List.of(
                small("/docs/a.txt", "first"),
                small("/docs/known.txt", "stored before"),
                new Disk.SmallFile(path("/docs/lie.txt"), sha256("something else"), bytes("what was sent")),
                // the hash and size of stored content, other bytes: never instant, whoever knows the hash
                new Disk.SmallFile(path("/docs/stored-lie.txt"), sha256("stored before"), bytes("STORED BEFORE")),
                small("/missing/b.txt", "no such directory"),
                small("/docs/dir-in-the-way", "a directory is there"),
                small("/docs/empty.txt", ""),
                small("/docs/a-again.txt", "first"),
                small("/", "the root"));

        List<Disk.StoredSmall> stored = disk.storeSmall(alice, files);

        assertThat(stored).extracting(r -> r.refusal().map(e -> e.code().name()).orElse(r.instant() ? "instant"
                : "stored")).containsExactly("stored", "instant", "TRANSFER_FAILED", "TRANSFER_FAILED", "NOT_FOUND",
                "IS_A_DIRECTORY", "stored", "stored", "IS_A_DIRECTORY");
        assertThat(stored.get(2).refusal().orElseThrow()).hasMessageContaining("/docs/lie.txt: the content received "
                + "does not match the SHA-256 the client announced (announced " + sha256("something else")
                + ", received " + sha256("what was sent") + ")");
        assertThat(stored.get(3).refusal().orElseThrow()).hasMessageContaining("/docs/stored-lie.txt: the content "
                + "received does not match the SHA-256 the client announced (announced " + sha256("stored before")
                + ", received " + sha256("STORED BEFORE") + ")");
        assertThat(read(alice, "/docs/a.txt")).isEqualTo("first");
        assertThat(read(alice, "/docs/a-again.txt")).isEqualTo("first");
        assertThat(read(alice, "/docs/known.txt")).isEqualTo("stored before");
        assertThat(read(alice, "/docs/empty.txt")).isEmpty();
        assertThat(names(alice, "/docs")).containsExactly("a-again.txt", "a.txt", "dir-in-the-way", "empty.txt",
                "known.txt");
        assertThat(blobFiles()).as("first, stored before, the empty file, no orphan").hasSize(3);
        assertThat(blobs.temporaryFileCount()).isZero();
    }

    @Test
    void aQuotaRefusesOnlyTheFilesPastIt() throws Exception {
        User tight = metadata.createUser(Name.of("tight"), "hash", OptionalLong.of(10));
        List<Disk.StoredSmall> stored = disk.storeSmall(tight, List.of(small("/a", "123456"), small("/b", "123456"),
                small("/c", "1234")));

        assertThat(stored).extracting(r -> r.refusal().map(e -> e.code().name()).orElse("stored"))
                .containsExactly("stored", "QUOTA_EXCEEDED", "stored");
        assertThat(names(tight, "/")).containsExactly("a", "c");
        assertThat(blobFiles()).as("b's blob went with its refusal").hasSize(2);
    }

    private static Disk.SmallFile small(String wire, String content) throws DiskException {
        return new Disk.SmallFile(path(wire), sha256(content), bytes(content));
    }

    private static byte[] bytes(String content) {
        return content.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(String content) {
        return netdisk.protocol.Sha256.hex(netdisk.protocol.Sha256.newDigest().digest(bytes(content)));
    }

    private static DiskPath path(String wire) throws DiskException {
        return DiskPath.parse(wire);
    }

    @Test
    void aSmallFileIsReadFromItsBlobOnceThenKeptInMemory() throws Exception {
        Node node = put(alice, "/small.txt", "小さい file");
        DiskPath path = path("/small.txt");

        assertThat(text(disk.smallContent(alice, path, disk.fileForDownload(alice, path))))
                .isEqualTo("小さい file");
        Files.delete(blobFile(node));

        ByteBuffer kept = disk.smallContent(alice, path, node);
        assertThat(kept.isReadOnly()).isTrue();
        assertThat(text(kept)).isEqualTo("小さい file");
    }

    @Test
    void aSmallFileWhoseBlobIsMissingOrShortIsAStorageError() throws Exception {
        Node missing = put(alice, "/missing", "gone before anyone read it");
        Node shortened = put(alice, "/short", "cut short before anyone read it");
        Files.delete(blobFile(missing));
        Files.write(blobFile(shortened), "cut".getBytes(StandardCharsets.UTF_8));

        for (Node node : List.of(missing, shortened)) {
            DiskPath path = path("/" + node.name());
            assertThatThrownBy(() -> disk.smallContent(alice, path, node))
                    .isInstanceOfSatisfying(DiskException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_ERROR));
        }
    }

    @Test
    void onlySmallFilesAreGivenWhole() throws Exception {
        Node big = put(alice, "/big.bin", new byte[Disk.SMALL_CONTENT + 1]);
        Node small = put(alice, "/small.bin", new byte[Disk.SMALL_CONTENT]);

        assertThat(disk.smallContent(alice, path("/small.bin"), small).remaining()).isEqualTo(Disk.SMALL_CONTENT);
        assertThatThrownBy(() -> disk.smallContent(alice, path("/big.bin"), big))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> disk.fileForDownload(alice, path("/")))
                .isInstanceOfSatisfying(DiskException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.IS_A_DIRECTORY));
    }

    private Path blobFile(Node file) throws IOException {
        String sha256 = file.blob().orElseThrow().sha256();
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            return files.filter(p -> p.getFileName().toString().equals(sha256)).findFirst().orElseThrow();
        }
    }

    private static String text(ByteBuffer content) {
        byte[] bytes = new byte[content.remaining()];
        content.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Group commit: the batches of small files of a worker's sessions that are ready while the blob lock is busy
     * (another worker holds it) are made visible together, in one metadata transaction.
     */
    @Test
    void batchesReadyWhileTheBlobLockIsBusyAreAddedInOneTransaction() throws Exception {
        List<Integer> transactions = Collections.synchronizedList(new ArrayList<>());

        List<Future<List<Disk.StoredSmall>>> stored = storeTwoBatchesBehindABusyLock(transactions,
                new AtomicBoolean());

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

    /** A failure of a group commit's transaction is every batch's in it, with nothing left behind. */
    @Test
    void aFailedTransactionFailsEveryBatchInItAndLeavesNoBlob() throws Exception {
        List<Integer> transactions = Collections.synchronizedList(new ArrayList<>());

        List<Future<List<Disk.StoredSmall>>> stored = storeTwoBatchesBehindABusyLock(transactions,
                new AtomicBoolean(true));

        for (Future<List<Disk.StoredSmall>> batch : stored) {
            assertThatThrownBy(batch::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(DiskException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_ERROR));
        }
        assertThat(transactions).containsExactly(Disk.GROUP_SYNC_FROM + 1 + 2);
        assertThat(blobFiles()).isEmpty();
        assertThat(metadata.lookup(alice, List.of(Name.of("alice0")))).isEmpty();
    }

    /**
     * Alice's batch and Bob's, sent by two sessions of one worker while the test holds the blob lock, as another worker
     * would, to a disk whose metadata store notes the size of each {@code addFiles} in {@code transactions} (and fails
     * it while {@code failing} is set).
     */
    private List<Future<List<Disk.StoredSmall>>> storeTwoBatchesBehindABusyLock(List<Integer> transactions,
            AtomicBoolean failing) throws Exception {
        List<Future<List<Disk.StoredSmall>>> stored = new ArrayList<>();
        BlobLock blobLock = BlobLock.open(data);
        Disk grouped = new Disk(recording(metadata, transactions, failing), blobs,
                new PartialUploads(new UnfinishedUploads(database, Clock.systemUTC()), blobs.partials()), blobLock,
                blobs.root());
        try (grouped; var sessions = Executors.newVirtualThreadPerTaskExecutor()) {
            try (BlobLock.Held busy = blobLock.lock()) {
                List<Disk.SmallFile> alices = smallBatch("alice", Disk.GROUP_SYNC_FROM + 1);
                stored.add(sessions.submit(() -> grouped.storeSmall(alice, alices)));
                stored.add(sessions.submit(() -> grouped.storeSmall(bob, smallBatch("bob", 2))));
                await().until(() -> grouped.batchesWaiting() == 2);
            }
        } // the sessions end before the disk closes
        return stored;
    }

    private static List<Disk.SmallFile> smallBatch(String prefix, int count) throws DiskException {
        List<Disk.SmallFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] content = (prefix + i).getBytes(StandardCharsets.UTF_8);
            String sha256 = Sha256.hexOf(content);
            files.add(new Disk.SmallFile(DiskPath.parse("/" + prefix + i), sha256, content));
        }
        return files;
    }

    private static MetadataStore recording(MetadataStore store, List<Integer> transactions, AtomicBoolean failing) {
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

    private Node put(User user, String wire, String content) throws Exception {
        return put(user, wire, content.getBytes(StandardCharsets.UTF_8));
    }

    private Node put(User user, String wire, byte[] bytes) throws Exception {
        try (Upload upload = disk.beginUpload(user, path(wire), bytes.length)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                upload.content().write(buffer);
            }
            return upload.commit(Optional.empty());
        }
    }

    private String read(User user, String wire) throws Exception {
        Disk.Download download = disk.openForDownload(user, path(wire));
        try (var channel = download.content()) {
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // reading the whole small file
            }
            return new String(buffer.array(), StandardCharsets.UTF_8);
        }
    }

    private List<String> names(User user, String wire) throws DiskException {
        return disk.list(user, path(wire)).stream().map(Entry::name).toList();
    }

    private List<String> blobFiles() throws IOException {
        try (Stream<String> hashes = blobs.list()) {
            return hashes.toList();
        }
    }
}
