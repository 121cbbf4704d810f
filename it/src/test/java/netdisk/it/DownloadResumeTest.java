package netdisk.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import netdisk.client.progress.Units;
import netdisk.server.master.ServerStatus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code netdisk get} interrupted for real, then run again: the client process killed ({@code kill -9}) at several
 * random points of a 128 MiB download, the worker serving it killed, the whole server killed and restarted on the same
 * data directory. Each time the partial file {@code .NAME.netdisk-part} stays beside the target, the next {@code get}
 * says it resumed from exactly what the partial file held, and the target ends with the source's SHA-256 and no partial
 * file beside it. A partial file that is not a prefix of the file (bytes overwritten) and {@code --no-resume} both end
 * with the whole file downloaded again. The kill points are random, seeded ({@code -Dnetdisk.test.seed=...}; the seed
 * is printed), and chosen by watching the partial file grow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownloadResumeTest {

    private static final long SEED = Long.getLong("netdisk.test.seed", System.nanoTime());
    private static final long SIZE = 128L << 20;
    private static final String USER = "alice";

    private final SplittableRandom random = new SplittableRandom(SEED);
    private Path data;
    private Path local;
    private Path home;
    private Path source;
    private String sourceSha256;
    private ServerProcess server;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path local, @TempDir Path home) throws Exception {
        System.out.println("DownloadResumeTest seed " + SEED + " (replay with -Dnetdisk.test.seed=" + SEED + ")");
        this.data = data;
        this.local = local;
        this.home = home;
        TestUsers.add(data, USER);
        source = Sha256.randomFile(local.resolve("source.bin"), SIZE, SEED);
        sourceSha256 = Sha256.of(source);
        server = ServerProcess.start(data, "process", "--workers", "1"); // one worker: it serves the transfer
        try (var client = Clients.login(server, USER)) {
            Clients.putFile(client, source, "/big.bin");
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Map<String, String> environment() {
        return Map.of("XDG_CONFIG_HOME", home.toString(), "HOME", home.toString(),
                "NETDISK_PASSWORD", TestUsers.PASSWORD);
    }

    /** {@code netdisk --port PORT --user alice get ARGS...}, left running. */
    private Process startGet(ServerProcess on, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("--port", Integer.toString(on.port()), "--user",
                USER, "get"));
        command.addAll(List.of(args));
        return Cli.start(environment(), command.toArray(String[]::new));
    }

    /** {@code netdisk get ARGS...} to its end; returns its output, after checking it succeeded. */
    private String get(ServerProcess on, String... args) throws Exception {
        Process cli = startGet(on, args);
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("get ended").isTrue();
        assertThat(cli.exitValue()).as(output).isZero();
        return output;
    }

    private static Path partialOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".netdisk-part");
    }

    /** A kill point between {@code from} and {@code to} (fractions of the file). */
    private long pointBetween(double from, double to) {
        return (long) (SIZE * (from + (to - from) * random.nextDouble()));
    }

    /**
     * Waits until the partial file of {@code target} holds at least {@code bytes}, watching it every 0.2 ms.
     *
     * @throws AssertionError if {@code cli} ends first
     */
    private static void awaitPartial(Process cli, Path target, long bytes) throws IOException {
        Path partial = partialOf(target);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (size(partial) < bytes) {
            if (!cli.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the partial file did not reach " + bytes + " bytes (it has "
                        + size(partial) + ") before the client " + (cli.isAlive() ? "timed out" : "ended with "
                        + cli.exitValue()) + ": " + new String(cli.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8));
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /** After an interruption: no target, a partial file of at least {@code atLeast} bytes; returns its size. */
    private static long interrupted(Path target, long atLeast) throws IOException {
        assertThat(target).as("nothing at the target after an interruption").doesNotExist();
        long held = size(partialOf(target));
        assertThat(held).as("the partial file is kept").isBetween(atLeast, SIZE);
        return held;
    }

    /** The get that ends it: it says it resumed from all the partial file held; the target is the source. */
    private void resumesToTheEnd(ServerProcess on, Path target, long held) throws Exception {
        String output = get(on, "/big.bin", target.toString());
        assertThat(output).contains("get: /big.bin -> " + target + " (128 MiB, resumed from " + Units.bytes(held)
                + ")\n");
        complete(target);
    }

    private void complete(Path target) throws IOException {
        assertThat(Sha256.of(target)).isEqualTo(sourceSha256);
        assertThat(partialOf(target)).doesNotExist();
    }

    @Test
    void aClientKilledAtRandomPointsResumesEachTimeAndEndsWithTheWholeFile() throws Exception {
        Path target = local.resolve("killed-client.bin");
        long held = 0;
        for (double[] range : new double[][] {{0.05, 0.25}, {0.30, 0.50}, {0.55, 0.75}}) {
            long point = pointBetween(range[0], range[1]);
            Process cli = startGet(server, "/big.bin", target.toString());
            awaitPartial(cli, target, Math.max(point, held + 1));
            cli.destroyForcibly(); // SIGKILL, straight from this JVM: no time lost forking kill(1)
            cli.waitFor();
            held = interrupted(target, point);
            System.out.println("client killed at " + point + " bytes: the partial file holds " + held);
        }
        resumesToTheEnd(server, target, held);
    }

    @Test
    void aKilledWorkerLeavesAPartialFileThatTheNextGetResumes() throws Exception {
        Path target = local.resolve("killed-worker.bin");
        long point = pointBetween(0.1, 0.7);
        Process cli = startGet(server, "/big.bin", target.toString());
        awaitPartial(cli, target, 0);
        long worker = servingWorker();
        awaitPartial(cli, target, point);
        ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the client ends by itself").isTrue();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.exitValue()).as(output).isEqualTo(8);
        long held = interrupted(target, point);
        System.out.println("worker " + worker + " killed at " + point + " bytes: the partial file holds " + held);
        resumesToTheEnd(server, target, held);
    }

    /**
     * The worker with sessions: with one worker, the one serving the client's session and its transfer connection (a
     * download runs on a connection of its own, which could land on any worker of several).
     */
    private long servingWorker() throws IOException {
        List<ServerStatus.WorkerRow> serving = server.status().workers().stream().filter(w -> w.sessions() > 0)
                .toList();
        assertThat(serving).as("the one worker serves the download").hasSize(1);
        return serving.getFirst().pid();
    }

    @Test
    void aServerKilledAndRestartedOnTheSameDataResumesTheDownload() throws Exception {
        Path target = local.resolve("killed-server.bin");
        long point = pointBetween(0.1, 0.6);
        Process cli = startGet(server, "/big.bin", target.toString());
        awaitPartial(cli, target, point);
        ServerProcess.kill("STOP", cli.pid()); // so that the download cannot end while the server is killed
        server.killAll();
        ServerProcess.kill("CONT", cli.pid());
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the client ends by itself").isTrue();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.exitValue()).as(output).isEqualTo(8);
        long held = interrupted(target, point);
        System.out.println("server killed at " + point + " bytes: the partial file holds " + held);
        server.close();

        server = ServerProcess.start(data, "process", "--workers", "1"); // the other tests go on with this one
        resumesToTheEnd(server, target, held);
    }

    @Test
    void aPartialFileThatIsNotAPrefixIsReplacedByTheWholeFile() throws Exception {
        Path target = local.resolve("not-a-prefix.bin");
        long held = pointBetween(0.2, 0.8);
        try (var in = FileChannel.open(source); var out = FileChannel.open(partialOf(target),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, held, out);
            out.write(ByteBuffer.wrap("overwritten".getBytes(StandardCharsets.UTF_8)), held / 2);
        }
        String output = get(server, "/big.bin", target.toString());
        assertThat(output).contains("get: /big.bin -> " + target + " (128 MiB)\n").doesNotContain("resumed");
        complete(target);
    }

    @Test
    void noResumeDownloadsTheWholeFileOverAPartialFile() throws Exception {
        Path target = local.resolve("no-resume.bin");
        try (var in = FileChannel.open(source); var out = FileChannel.open(partialOf(target),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            in.transferTo(0, SIZE / 2, out); // a true prefix: only --no-resume makes it start over
        }
        String output = get(server, "--no-resume", "/big.bin", target.toString());
        assertThat(output).contains("get: /big.bin -> " + target + " (128 MiB)\n").doesNotContain("resumed");
        complete(target);
    }
}
