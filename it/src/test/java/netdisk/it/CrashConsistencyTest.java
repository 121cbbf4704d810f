package netdisk.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferListener;
import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of the whole server (master and worker processes at once) in the middle of an upload, of a recursive
 * delete, and of many concurrent uploads; then a restart on the same data directory. After the restart's sweep:
 * no temporary file is left (and the server log says what it removed), every file in every user's tree downloads
 * with the SHA-256 its entry names and that the test uploaded, no blob file is unreferenced or missing, nothing
 * half-written is visible, and every upload whose PutDone arrived is there. Randomness is seeded
 * ({@code -Dnetdisk.test.seed=...}; the seed is printed).
 */
class CrashConsistencyTest {

    private static final long SEED = Long.getLong("netdisk.test.seed", 20_260_101L);
    private static final List<String> USERS = List.of("alice", "bob");

    @TempDir
    Path data;

    @TempDir
    Path local;

    /** What each user's tree may hold: path → the hashes its file may have; {@link #required} paths must exist. */
    private final Map<String, Map<String, Set<String>>> allowed = new HashMap<>();
    private final Map<String, Set<String>> required = new HashMap<>();

    @BeforeEach
    void users() throws Exception {
        System.out.println("CrashConsistencyTest seed " + SEED + " (replay with -Dnetdisk.test.seed=" + SEED + ")");
        TestUsers.add(data, USERS.toArray(String[]::new));
        for (String user : USERS) {
            allowed.put(user, new ConcurrentHashMap<>());
            required.put(user, ConcurrentHashMap.newKeySet());
        }
    }

    private static ServerProcess start(Path data) throws IOException {
        return ServerProcess.start(data, "process", "--workers", "2");
    }

    /** An upload that completed (PutDone arrived): the file must be there with exactly this content. */
    private void stored(String user, String path, String sha256) {
        allowed.get(user).put(path, Set.of(sha256));
        required.get(user).add(path);
    }

    /** An upload the crash may have cut: the path may hold its content, or what it held before, or nothing. */
    private void mayBeStored(String user, String path, String sha256) {
        allowed.get(user).merge(path, Set.of(sha256), (a, b) -> {
            Set<String> both = new HashSet<>(a);
            both.addAll(b);
            return both;
        });
    }

    /**
     * Kills the server, notes what the crash left, restarts on the same data directory and checks every invariant.
     *
     * @return the restarted server
     */
    private ServerProcess crashAndRestart(ServerProcess server, String when) throws Exception {
        server.killAll();
        List<Path> leftTemporary = DataDir.temporaryFiles(data);
        Set<String> blobsBefore = DataDir.blobHashes(data);
        System.out.println("crash " + when + ": " + leftTemporary.size() + " temporary file(s), " + blobsBefore.size()
                + " blob(s) left");
        server.close();
        ServerProcess restarted = start(data);
        try {
            Map<String, Map<String, String>> observed = checkTrees(restarted);
            Set<String> referenced = new TreeSet<>();
            observed.values().forEach(files -> referenced.addAll(files.values()));
            assertThat(DataDir.temporaryFiles(data)).as("temporary files after the restart's sweep (%s)", when)
                    .isEmpty();
            assertThat(DataDir.blobHashes(data)).as("blob files = the contents files refer to (%s)", when)
                    .isEqualTo(referenced);
            Set<String> unreferenced = new TreeSet<>(blobsBefore);
            unreferenced.removeAll(referenced);
            if (!leftTemporary.isEmpty() || !unreferenced.isEmpty()) {
                assertThat(restarted.logText()).as("the restart says what it removed (%s)", when)
                        .contains("removed what an earlier run left: " + leftTemporary.size()
                                + " unfinished upload(s), " + unreferenced.size() + " unreferenced blob(s)");
            }
            // from now on, what the restart shows is what must stay
            observed.forEach((user, files) -> {
                allowed.get(user).clear();
                required.get(user).clear();
                files.forEach((path, sha) -> stored(user, path, sha));
            });
            return restarted;
        } catch (Throwable e) {
            restarted.close();
            throw e;
        }
    }

    /** Checks every user's tree against what may be in it; returns each user's files and their hashes. */
    private Map<String, Map<String, String>> checkTrees(ServerProcess server) throws IOException {
        Map<String, Map<String, String>> observed = new TreeMap<>();
        for (String user : USERS) {
            Map<String, String> files = new TreeMap<>();
            observed.put(user, files);
            try (var client = Clients.login(server, user)) {
                Map<String, Entry> tree = Clients.tree(client);
                Map<String, Set<String>> mayHold = allowed.get(user);
                for (var node : tree.entrySet()) {
                    String path = node.getKey();
                    Entry entry = node.getValue();
                    if (entry.isDirectory()) {
                        continue;
                    }
                    assertThat(mayHold).as("%s's %s: a file the test never uploaded there", user, path)
                            .containsKey(path);
                    assertThat(entry.sha256()).as("%s's %s holds what was uploaded", user, path)
                            .isIn(mayHold.get(path));
                    assertThat(Clients.sha256(client, path)).as("%s's %s downloads as its entry says", user, path)
                            .isEqualTo(entry.sha256());
                    files.put(path, entry.sha256());
                }
                for (String path : required.get(user)) {
                    assertThat(tree).as("%s's %s, whose PutDone arrived", user, path).containsKey(path);
                }
            }
        }
        return observed;
    }

    // ---- (a) one large upload

    @Test
    void killedHalfWayThroughALargeUpload() throws Exception {
        long size = 200_000_000;
        Path big = Sparse.file(local.resolve("big.bin"), size, "crash");
        String bigSha = Sparse.sha256(size, "crash");
        ServerProcess server = start(data);
        try {
            seed(server, "alice", "/before", 5, new SplittableRandom(SEED));
            ServerProcess doomed = server;
            try (var client = Clients.login(server, "alice")) {
                var killer = new TransferListener() {
                    long sent;

                    @Override
                    public void started(String name, long size, long offset) {
                    }

                    @Override
                    public void advanced(long bytes) {
                        sent += bytes;
                        if (sent >= size / 2 && doomed.alive()) {
                            try {
                                doomed.killAll();
                            } catch (IOException | InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                    }
                };
                mayBeStored("alice", "/big.bin", bigSha); // checked below: it must not be there
                try {
                    Clients.put(client, big, "/big.bin", killer);
                    throw new AssertionError("the upload survived the crash");
                } catch (IOException expected) {
                    System.out.println("the client saw: " + expected);
                }
            }
            assertThat(DataDir.temporaryFiles(data)).as("the cut upload's temporary file").hasSize(1);
            server = crashAndRestart(server, "half-way through a 200 MB upload");
            assertThat(server.logText()).contains("removed what an earlier run left: 1 unfinished upload(s)");
            try (var client = Clients.login(server, "alice")) {
                refused("the cut upload", () -> client.stat("/big.bin"), ErrorCode.NOT_FOUND);
                byte[] small = "after the crash".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                Clients.put(client, small, "/big.bin", local); // the path is free for a new upload
                stored("alice", "/big.bin", Clients.sha256(small));
            }
            checkTrees(server);
        } finally {
            server.close();
        }
    }

    // ---- (b) a recursive delete

    /** Where in a recursive delete the server is killed. */
    private enum KillPoint {
        /** as soon as the request is on its way */
        AT_ONCE,
        /** when the first blob file of the tree is gone (so the metadata transaction has committed) */
        FIRST_BLOB_GONE,
        /** when half of the tree's blob files are gone */
        HALF_THE_BLOBS_GONE
    }

    @Test
    void killedInTheMiddleOfARecursiveDelete() throws Exception {
        int directories = 6;
        int filesPerDirectory = 20;
        var random = new SplittableRandom(SEED + 1);
        ServerProcess server = start(data);
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            // one tree per kill point, uploaded over two sessions at once; bob holds some of the same contents,
            // which must outlive alice's delete
            long started = System.nanoTime();
            Map<KillPoint, Map<String, String>> trees = new TreeMap<>();
            List<CompletableFuture<Void>> uploads = new ArrayList<>();
            for (KillPoint point : KillPoint.values()) {
                Map<String, String> tree = new TreeMap<>();
                for (int d = 0; d < directories; d++) {
                    for (int f = 0; f < filesPerDirectory; f++) {
                        byte[] content = new byte[1 + random.nextInt(2048)];
                        random.nextBytes(content);
                        tree.put("/" + point + "/d" + d + "/f" + f, Clients.sha256(content));
                        Files.write(local.resolve(Clients.sha256(content)), content);
                    }
                }
                trees.put(point, tree);
                List<String> paths = new ArrayList<>(tree.keySet());
                for (int half = 0; half < 2; half++) {
                    List<String> mine = paths.subList(half * paths.size() / 2, (half + 1) * paths.size() / 2);
                    ServerProcess current = server;
                    uploads.add(CompletableFuture.runAsync(() -> {
                        try (var client = Clients.login(current, "alice")) {
                            for (String path : mine) {
                                client.mkdir(path.substring(0, path.lastIndexOf('/')), true);
                                Clients.put(client, local.resolve(tree.get(path)), path);
                                stored("alice", path, tree.get(path));
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, executor));
                }
            }
            CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            try (var bob = Clients.login(server, "bob")) {
                int i = 0;
                for (Map<String, String> tree : trees.values()) {
                    for (String sha : tree.values().stream().limit(5).toList()) {
                        String path = "/shared" + i++;
                        Clients.put(bob, local.resolve(sha), path);
                        stored("bob", path, sha);
                    }
                }
            }
            System.out.printf("%d files uploaded in %d ms%n", trees.size() * directories * filesPerDirectory,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

            for (KillPoint point : KillPoint.values()) {
                String root = "/" + point;
                Map<String, String> tree = trees.get(point);
                Set<String> othersHold = new HashSet<>();
                allowed.forEach((user, files) -> files.forEach((path, shas) -> {
                    if (!(user.equals("alice") && path.startsWith(root + "/"))) {
                        othersHold.addAll(shas);
                    }
                }));
                List<Path> blobs = tree.values().stream().filter(sha -> !othersHold.contains(sha)).distinct()
                        .map(this::blobPath).toList();
                // the tree may be whole or gone after the crash (checked below); crashAndRestart then takes what it
                // finds as what must stay
                required.get("alice").removeAll(tree.keySet());

                NetdiskClient alice = Clients.login(server, "alice");
                CompletableFuture<Long> removal = CompletableFuture.supplyAsync(() -> {
                    try {
                        return alice.remove(root, true);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, executor);
                int threshold = switch (point) {
                    case AT_ONCE -> 0;
                    case FIRST_BLOB_GONE -> 1;
                    case HALF_THE_BLOBS_GONE -> blobs.size() / 2;
                };
                while (threshold > 0 && !removal.isDone() && missing(blobs) < threshold) {
                    Thread.onSpinWait();
                }
                server.killAll();
                int gone = missing(blobs);
                boolean answered = removal.handle((count, failure) -> failure == null).get(20, TimeUnit.SECONDS);
                alice.close();
                System.out.printf("kill %s: %d of %d blob files were gone, the delete %s%n", point, gone,
                        blobs.size(), answered ? "had been answered" : "had not been answered");

                server = crashAndRestart(server, "in a recursive delete, " + point);

                try (var client = Clients.login(server, "alice")) {
                    boolean exists;
                    try {
                        client.stat(root);
                        exists = true;
                    } catch (netdisk.client.ServerRefusedException e) {
                        assertThat(e.code()).contains(ErrorCode.NOT_FOUND);
                        exists = false;
                    }
                    Map<String, Entry> after = Clients.tree(client);
                    long left = tree.keySet().stream().filter(after::containsKey).count();
                    if (exists) {
                        assertThat(left).as("a delete is all or nothing: the whole tree is still there").isEqualTo(
                                tree.size());
                        assertThat(gone).as("no blob is deleted before the delete committed").isZero();
                        assertThat(answered).as("a delete that was answered happened").isFalse();
                    } else {
                        assertThat(left).as("a delete is all or nothing: nothing of the tree is left").isZero();
                    }
                }
            }
            checkTrees(server);
        } finally {
            executor.shutdownNow();
            server.close();
        }
    }

    // ---- (c) many uploads at once

    @Test
    void killedWhileManyUploadsAreInFlight() throws Exception {
        int threads = 8;
        int filesPerThread = 4;
        double[] killPoints = {0.1, 0.5, 0.9}; // share of all the round's bytes sent when the server dies
        ServerProcess server = start(data);
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            for (int round = 0; round < killPoints.length; round++) {
                record Planned(String user, String path, Path file, String sha256) {
                }
                List<List<Planned>> plans = new ArrayList<>();
                Map<Long, Path> contents = new HashMap<>();
                long total = 0;
                for (int t = 0; t < threads; t++) {
                    String user = USERS.get(t % USERS.size());
                    List<Planned> plan = new ArrayList<>();
                    for (int i = 0; i < filesPerThread; i++) {
                        // even threads share their contents (the same upload racing from several sessions and users)
                        long seed = SEED + 1000L * round + (t % 2 == 0 ? i : 100L * t + i);
                        Path file = contents.get(seed);
                        if (file == null) {
                            long size = new SplittableRandom(seed).nextLong(16 << 10, 3 << 20);
                            file = Sha256.randomFile(local.resolve("content-" + seed), size, seed);
                            contents.put(seed, file);
                        }
                        // the first file of each thread after the first round replaces an earlier round's file
                        String path = round > 0 && i == 0 ? "/r0/t" + t + "/f1" : "/r" + round + "/t" + t + "/f" + i;
                        plan.add(new Planned(user, path, file, Sha256.of(file)));
                        total += Files.size(file);
                    }
                    plans.add(plan);
                }
                AtomicLong sent = new AtomicLong();
                var counter = new TransferListener() {
                    @Override
                    public void started(String name, long size, long offset) {
                    }

                    @Override
                    public void advanced(long bytes) {
                        sent.addAndGet(bytes);
                    }
                };
                AtomicLong done = new AtomicLong();
                List<CompletableFuture<Void>> running = new ArrayList<>();
                ServerProcess current = server;
                int r = round;
                for (int t = 0; t < threads; t++) {
                    List<Planned> plan = plans.get(t);
                    int thread = t;
                    running.add(CompletableFuture.runAsync(() -> {
                        try (NetdiskClient client = Clients.login(current, plan.getFirst().user())) {
                            client.mkdir("/r" + r + "/t" + thread, true);
                            client.mkdir("/r0/t" + thread, true);
                            for (Planned upload : plan) {
                                mayBeStored(upload.user(), upload.path(), upload.sha256());
                                Clients.put(client, upload.file(), upload.path(), counter);
                                stored(upload.user(), upload.path(), upload.sha256());
                                done.incrementAndGet();
                            }
                        } catch (IOException e) {
                            // the crash
                        }
                    }, executor));
                }
                var all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
                long threshold = (long) (killPoints[round] * total);
                while (sent.get() < threshold && !all.isDone()) {
                    Thread.sleep(1);
                }
                server.killAll();
                all.get(30, TimeUnit.SECONDS);
                System.out.printf("round %d: killed after %d of %d bytes sent; %d of %d uploads had their PutDone%n",
                        round, sent.get(), total, done.get(), threads * filesPerThread);
                server = crashAndRestart(server, "with " + threads + " uploads in flight, at "
                        + (int) (killPoints[round] * 100) + "% of their bytes");
            }
        } finally {
            executor.shutdownNow();
            server.close();
        }
    }

    private Path blobPath(String sha256) {
        return data.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    private static int missing(List<Path> files) {
        int missing = 0;
        for (Path file : files) {
            if (!Files.exists(file)) {
                missing++;
            }
        }
        return missing;
    }

    /** Uploads {@code count} small files of distinct random content as {@code user} under {@code directory}. */
    private void seed(ServerProcess server, String user, String directory, int count, SplittableRandom random)
            throws IOException {
        try (var client = Clients.login(server, user)) {
            client.mkdir(directory, true);
            for (int i = 0; i < count; i++) {
                byte[] content = new byte[1 + random.nextInt(4096)];
                random.nextBytes(content);
                String path = directory + "/f" + i;
                Clients.put(client, content, path, local);
                stored(user, path, Clients.sha256(content));
            }
        }
    }
}
