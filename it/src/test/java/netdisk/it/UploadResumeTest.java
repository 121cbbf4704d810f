package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import netdisk.client.progress.Units;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.Ping;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutResume;
import netdisk.protocol.PutStored;
import netdisk.protocol.ResumeFrom;
import netdisk.server.master.ServerStatus;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.UnfinishedUploads;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumed uploads (protocol 1.3) against the real server, its workers in processes of their own, and the real
 * command-line client in a process of its own: a {@code put} cut off by {@code kill -9} of the client, of the worker
 * serving it, or of the whole server, goes on from what the server kept when it is run again, says so, and stores
 * exactly the file; a client whose first bytes differ, or that says {@code --no-resume}, sends everything; an older
 * client is never offered anything; a kept upload nobody comes back for expires.
 *
 * <p>Kill points are random ({@code -Dnetdisk.test.seed=...}; the seed is printed) and exact: the client talks to the
 * server through a {@link HoldingRelay} that passes its bytes on up to the point and then holds them, and the kill
 * comes once the server's partial file has grown to it. Killing when the file reached a size, without the relay,
 * overshot by tens of MiB on a loaded machine (and could miss the upload altogether).
 */
class UploadResumeTest {

    private static final long SEED = Long.getLong("netdisk.test.seed", 20_260_301L);
    private static final long SIZE = 64L << 20;
    private static final long MIB = 1L << 20;
    private static final String USER = "alice";
    private static final String REMOTE = "/big.bin";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** More than the frames a client sends before its content (Hello, Login, PutFile, ResumeFrom, a stat). */
    private static final long SLACK = 64 << 10;

    @TempDir
    static Path shared;

    private static Path source;
    private static String sourceSha256;

    @TempDir
    Path data;

    @TempDir
    Path home;

    @TempDir
    Path local;

    /** The seed's numbers for this test: each test its own, the same at every run. */
    private SplittableRandom random;

    @BeforeAll
    static void source() throws IOException {
        System.out.println("UploadResumeTest seed " + SEED + " (replay with -Dnetdisk.test.seed=" + SEED + ")");
        source = Sha256.randomFile(shared.resolve("big.bin"), SIZE, SEED);
        sourceSha256 = Sha256.of(source);
    }

    @BeforeEach
    void user(TestInfo test) throws Exception {
        random = new SplittableRandom(SEED ^ test.getDisplayName().hashCode());
        TestUsers.add(data, USER);
    }

    // ---- kill -9 of the client, of the worker serving it, of the whole server

    @Test
    void aClientKilledAtRandomPointsGoesOnWhereTheServerKeptItsUpload() throws Exception {
        try (var server = start("--workers", "1")) {
            long held = 0;
            long[] percents = {random.nextLong(5, 30), random.nextLong(35, 60), random.nextLong(65, 95)};
            for (long percent : percents) {
                long target = SIZE * percent / 100;
                int aborted = abortedPuts();
                try (var relay = HoldingRelay.start(server.port(), target - held)) {
                    Process put = startPut(relay.port());
                    relay.awaitHolding(TIMEOUT);
                    awaitPartial(target - SLACK, put);
                    put.destroyForcibly();
                    assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
                } // the dead client's connection ends
                await().atMost(TIMEOUT).until(() -> abortedPuts() > aborted); // the worker kept it and let go
                long before = held;
                held = heldBytes();
                System.out.println("client killed at " + percent + "%: the server keeps " + held + " bytes");
                assertThat(held).isBetween(target - SLACK, target);
                if (before > 0) { // the attempt resumed after what the one before left
                    server.awaitLog(REMOTE + " of user " + USER + ": resuming after " + before + " bytes kept",
                            TIMEOUT);
                }
            }
            putAndCheckResumedFrom(server, held);
        }
    }

    @Test
    void aWorkerKilledMidUploadLeavesWhatItWroteAndTheNextPutGoesOnFromThere() throws Exception {
        try (var server = start("--workers", "1")) { // one worker: the one serving the upload's transfer connection
            long target = SIZE * random.nextLong(10, 95) / 100;
            try (var relay = HoldingRelay.start(server.port(), target)) {
                Process put = startPut(relay.port());
                relay.awaitHolding(TIMEOUT);
                awaitPartial(target - SLACK, put);
                long workerPid = workerServingTheUpload(server);
                ProcessHandle.of(workerPid).ifPresent(ProcessHandle::destroyForcibly);
                await().atMost(TIMEOUT).until(() -> ProcessHandle.of(workerPid).isEmpty());
                assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(put.exitValue()).as("the client saw the transfer break: %s", output(put)).isNotZero();
                System.out.println("worker " + workerPid + " killed: the server keeps " + heldBytes() + " bytes");
            }
            long held = heldBytes();
            assertThat(held).isBetween(target - SLACK, target);

            putAndCheckResumedFrom(server, held);
        }
    }

    @Test
    void aServerKilledMidUploadAndRestartedGoesOnFromWhatItHad() throws Exception {
        long held;
        long target = SIZE * random.nextLong(10, 95) / 100;
        try (var server = start("--workers", "1");
             var relay = HoldingRelay.start(server.port(), target)) {
            Process put = startPut(relay.port());
            relay.awaitHolding(TIMEOUT);
            awaitPartial(target - SLACK, put);
            server.killAll();
            assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
            held = heldBytes();
            System.out.println("server killed: " + held + " bytes on disk");
            assertThat(held).isBetween(target - SLACK, target);
        }
        try (var restarted = start("--workers", "1")) {
            assertThat(heldBytes()).as("the start-up sweeps leave it").isEqualTo(held);
            putAndCheckResumedFrom(restarted, held);
        }
    }

    // ---- starting over: other bytes, or --no-resume

    @Test
    void aClientWithOtherFirstBytesOrNoResumeStartsOverAndStoresItsFile() throws Exception {
        try (var server = start("--workers", "1")) {
            byte[] other = new byte[(int) (3 * MIB)];
            Arrays.fill(other, (byte) 0x55);
            keep(server, REMOTE, other.length, raw -> raw.content((byte) 0x55, other.length));

            var changed = put(server);

            assertThat(changed.exitCode()).as(changed.output()).isZero();
            assertThat(changed.output()).contains("put: " + source + " -> " + REMOTE + " (64.0 MiB)\n")
                    .doesNotContain("resumed");
            checkStoredAndNothingLeft(server, REMOTE);
            removeStored(server); // else the next upload of that content is instant

            // the server's own check: a client that claims the offer with its own, other hash starts at 0 too
            keep(server, REMOTE, other.length, raw -> raw.content((byte) 0x55, other.length));
            try (var raw = RawClient.login(server, USER, 3)) {
                raw.send(new PutFile(REMOTE, SIZE, sourceSha256));
                assertThat(raw.answer()).isEqualTo(new PutResume(other.length, sha256(other, other.length)));
                raw.send(new ResumeFrom(other.length, sha256(Files.readAllBytes(source), other.length)));
                assertThat(raw.answer()).isEqualTo(new PutReady(0));
                raw.content(source, 0, SIZE);
                assertThat(raw.answer()).isEqualTo(new PutStored(SIZE, sourceSha256, false));
            }
            checkStoredAndNothingLeft(server, REMOTE);
            removeStored(server);

            // the same bytes kept, but put --no-resume
            keep(server, REMOTE, 3 * MIB, raw -> raw.content(source, 0, 3 * MIB));
            var noResume = put(server, "--no-resume");

            assertThat(noResume.exitCode()).as(noResume.output()).isZero();
            assertThat(noResume.output()).contains("put: " + source + " -> " + REMOTE + " (64.0 MiB)\n")
                    .doesNotContain("resumed"); // though the server kept the same bytes
            checkStoredAndNothingLeft(server, REMOTE);
        }
    }

    // ---- expiry, older clients, and a client that breaks the exchange

    @Test
    void anUploadNobodyComesBackForExpiresWithItsRow() throws Exception {
        try (var server = start("--workers", "1", "--upload-expiry", "2s")) {
            keep(server, REMOTE, 3 * MIB, raw -> raw.content(source, 0, 3 * MIB));
            assertThat(unfinishedRows()).isEqualTo(1);

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(DataDir.partialFiles(data)).isEmpty();
                assertThat(unfinishedRows()).isZero();
            });
            server.awaitLog("removed 1 unfinished upload(s) unused for 2s", TIMEOUT);
        }
    }

    @Test
    void anOlderClientIsNeverOfferedAResumeAndKeepsNothing() throws Exception {
        try (var server = start("--workers", "1")) {
            int aborted = abortedPuts();
            try (var old = RawClient.login(server, USER, 2)) {
                old.send(new PutFile("/old.bin", SIZE, sourceSha256));
                assertThat(old.answer()).isEqualTo(new PutReady(0));
                old.content(source, 0, 3 * MIB);
            }
            await().atMost(TIMEOUT).until(() -> abortedPuts() > aborted);
            assertThat(DataDir.partialFiles(data)).as("a 1.2 client's upload is not kept").isEmpty();
            assertThat(DataDir.temporaryFiles(data)).isEmpty();

            keep(server, REMOTE, 3 * MIB, raw -> raw.content(source, 0, 3 * MIB));
            try (var old = RawClient.login(server, USER, 2)) {
                old.send(new PutFile(REMOTE, SIZE, sourceSha256));
                assertThat(old.answer()).as("no PutResume for a 1.2 client").isEqualTo(new PutReady(0));
                old.content(source, 0, SIZE);
                assertThat(old.answer()).isEqualTo(new PutStored(SIZE, sourceSha256, false));
            }
            try (var client = Clients.login(server, USER)) {
                assertThat(Clients.getFile(client, REMOTE, local.resolve("copy.bin")).sha256())
                        .isEqualTo(sourceSha256);
            }
        }
    }

    @Test
    void aClientThatAnswersTheOfferOutOfTurnIsCutOffAndTheKeptBytesStay() throws Exception {
        try (var server = start("--workers", "1")) {
            keep(server, REMOTE, 3 * MIB, raw -> raw.content(source, 0, 3 * MIB));
            String prefix = sha256(Files.readAllBytes(source), (int) (3 * MIB));
            List<Frame> wrongAnswers = List.of(new Frame(1, new Ping(7)), new Frame(1, new ResumeFrom(MIB, prefix)),
                    new Frame(1, new ResumeFrom(4 * MIB, prefix)), new Frame(2, new ResumeFrom(3 * MIB, prefix)));
            for (Frame wrong : wrongAnswers) {
                try (var raw = RawClient.login(server, USER, 3)) {
                    raw.send(new PutFile(REMOTE, SIZE, sourceSha256));
                    assertThat(raw.answer()).isEqualTo(new PutResume(3 * MIB, prefix));
                    raw.send(wrong.requestId(), wrong.message());
                    assertThat(raw.answer()).as("answering %s", wrong).isInstanceOfSatisfying(ErrorReply.class,
                            e -> assertThat(e.errorCode()).contains(ErrorCode.PROTOCOL_ERROR));
                    assertThat(raw.frameOrEnd()).as("the session ends after %s", wrong).isNull();
                }
            }
            assertThat(heldBytes()).isEqualTo(3 * MIB);
            try (var raw = RawClient.login(server, USER, 3)) {
                raw.send(new PutFile(REMOTE, SIZE, sourceSha256));
                assertThat(raw.answer()).isEqualTo(new PutResume(3 * MIB, prefix));
                raw.send(new ResumeFrom(3 * MIB, prefix));
                assertThat(raw.answer()).isEqualTo(new PutReady(3 * MIB));
                raw.content(source, 3 * MIB, SIZE);
                assertThat(raw.answer()).isEqualTo(new PutStored(SIZE, sourceSha256, false));
            }
            checkStoredAndNothingLeft(server, REMOTE);
        }
    }

    // ---- helpers

    private ServerProcess start(String... extra) throws IOException {
        return ServerProcess.start(data, "process", extra);
    }

    /** What {@code netdisk} runs with: the password to log in with, and a config directory of the test's own. */
    private Map<String, String> environment() {
        return Map.of("XDG_CONFIG_HOME", home.toString(), "NETDISK_PASSWORD", TestUsers.PASSWORD);
    }

    /** {@code netdisk --user alice put OPTIONS SOURCE /big.bin}: it logs in with the password in its environment. */
    private Cli.Result put(ServerProcess server, String... options) throws Exception {
        return Cli.client(environment(), putArguments(server.port(), options));
    }

    /** The same without options, to {@code port} (a {@link HoldingRelay}'s), started and left running. */
    private Process startPut(int port) throws IOException {
        return Cli.start(environment(), putArguments(port));
    }

    private String[] putArguments(int port, String... options) {
        List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port), "--user", USER, "put"));
        arguments.addAll(List.of(options));
        arguments.addAll(List.of(source.toString(), REMOTE));
        return arguments.toArray(String[]::new);
    }

    /** Waits until the server's one partial file holds at least {@code bytes}, the client still running. */
    private void awaitPartial(long bytes, Process put) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<Path> partials = DataDir.partialFiles(data);
            try {
                if (partials.size() == 1 && Files.size(partials.getFirst()) >= bytes) {
                    return;
                }
            } catch (NoSuchFileException e) {
                // finished and moved into the blob store meanwhile: the checks below say so
            }
            if (!put.isAlive()) {
                throw new AssertionError("the client ended (exit " + put.exitValue() + ") before the server held "
                        + bytes + " bytes of its upload:\n" + output(put));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server never held " + bytes + " bytes; partial files " + partials);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /**
     * The pid of the one worker with sessions: with one worker, the one serving the upload (on a transfer connection
     * of its own besides the client's session, which with several workers could be on another).
     */
    private static long workerServingTheUpload(ServerProcess server) throws IOException {
        List<Long> busy = server.status().workers().stream().filter(worker -> worker.sessions() > 0)
                .map(ServerStatus.WorkerRow::pid).toList();
        assertThat(busy).as("the one worker with sessions").hasSize(1);
        return busy.getFirst();
    }

    /** The size of the one partial file: what the server keeps of the upload. */
    private long heldBytes() throws IOException {
        List<Path> partials = DataDir.partialFiles(data);
        assertThat(partials).as("one kept upload (%s)", DataDir.describe(data)).hasSize(1);
        return Files.size(partials.getFirst());
    }

    /**
     * Makes the server keep an upload of {@link #source} to {@code remote}: a 1.3 client announces it, sends
     * {@code length} bytes ({@code content}) and goes away.
     */
    private void keep(ServerProcess server, String remote, long length, Content content) throws Exception {
        int aborted = abortedPuts();
        try (var raw = RawClient.login(server, USER, 3)) {
            raw.send(new PutFile(remote, SIZE, sourceSha256));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            content.send(raw);
        }
        await().atMost(TIMEOUT).until(() -> abortedPuts() > aborted);
        assertThat(heldBytes()).isEqualTo(length);
    }

    private interface Content {
        void send(RawClient raw) throws IOException;
    }

    /** The final {@code put}: it must say it resumed from {@code held}; then everything is checked. */
    private void putAndCheckResumedFrom(ServerProcess server, long held) throws Exception {
        var put = put(server);
        assertThat(put.exitCode()).as(put.output()).isZero();
        assertThat(put.output()).contains("put: " + source + " -> " + REMOTE + " (64.0 MiB, resumed from "
                + Units.bytes(held) + ")\n");
        await().atMost(TIMEOUT).until(() -> DataDir.auditLines(data).stream().anyMatch(line ->
                line.contains(" op=put path=" + REMOTE + " result=ok") && line.contains(" resumed=" + held)));
        checkStoredAndNothingLeft(server, REMOTE);
    }

    /** {@code remote} downloads, verified, as {@link #source}; no partial or temporary file and no row is left. */
    private void checkStoredAndNothingLeft(ServerProcess server, String remote) throws Exception {
        Path copy = local.resolve("copy.bin");
        try (var client = Clients.login(server, USER)) {
            assertThat(Clients.getFile(client, remote, copy).sha256()).isEqualTo(sourceSha256);
        }
        assertThat(Sha256.of(copy)).isEqualTo(sourceSha256);
        Files.delete(copy);
        assertThat(DataDir.partialFiles(data)).isEmpty();
        assertThat(DataDir.temporaryFiles(data)).isEmpty();
        assertThat(unfinishedRows()).isZero();
        assertThat(DataDir.blobHashes(data)).contains(sourceSha256);
    }

    private void removeStored(ServerProcess server) throws IOException {
        try (var client = Clients.login(server, USER)) {
            client.remove(REMOTE, false);
        }
    }

    private int abortedPuts() throws IOException {
        return (int) DataDir.auditLines(data).stream()
                .filter(line -> line.contains(" op=put ") && line.contains(" result=aborted")).count();
    }

    private int unfinishedRows() throws Exception {
        try (var database = MetadataDatabase.connectSqlite(data)) {
            return new UnfinishedUploads(database, Clock.systemUTC()).partials().size();
        }
    }

    private static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    private static String sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
