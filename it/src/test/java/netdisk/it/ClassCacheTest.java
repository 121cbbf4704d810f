package netdisk.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers start from a class archive that the first worker to stop cleanly made ({@code --class-cache}, by default
 * {@code DATA/cache}): checked on the workers' own command lines and memory maps.
 */
class ClassCacheTest {

    @TempDir
    Path data;

    @TempDir
    Path local;

    private ServerProcess serve(String... extra) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0",
                "--data", data.toString()));
        arguments.addAll(List.of(extra));
        return ServerProcess.launch(data, arguments);
    }

    private static void useIt(ServerProcess server) throws Exception {
        try (var client = Clients.login(server, "ada")) {
            Clients.put(client, new byte[] {1, 2, 3}, "/x", Files.createTempDirectory("upload"));
            assertThat(client.list("/")).extracting(e -> e.name()).containsExactly("x");
        }
    }

    private static void stop(ServerProcess server) throws Exception {
        server.signal("TERM");
        assertThat(server.awaitExit(Duration.ofSeconds(60))).as(server.logText()).isZero();
    }

    private static String commandLine(long pid) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }

    private static String maps(long pid) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(pid), "maps"));
    }

    /** Serves with one worker, which records the archive in {@code DATA/cache} as it stops; returns the archive. */
    private Path recordArchive() throws Exception {
        Path cache = data.resolve("cache");
        try (var first = serve("--workers", "1")) {
            long worker = first.workerPids().iterator().next();
            assertThat(commandLine(worker)).contains("-XX:ArchiveClassesAtExit=" + cache.resolve("worker-"));
            useIt(first);
            stop(first);
            assertThat(first.logText()).contains("class archive for workers made: " + cache.resolve("worker-"));
        }
        Path archive;
        try (Stream<Path> files = Files.list(cache)) {
            archive = files.toList().getFirst();
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("the archive alone, no recording left").containsExactly(archive);
        }
        return archive;
    }

    @Test
    void theFirstCleanStopMakesTheArchiveInTheDataDirectoryAndLaterWorkersMapIt() throws Exception {
        TestUsers.add(data, "ada");
        Path archive = recordArchive();
        assertThat(archive.getFileName().toString()).matches("worker-[0-9a-f]{16}\\.jsa");

        try (var second = serve("--workers", "2")) {
            assertThat(second.workerPids()).hasSize(2).allSatisfy(pid -> {
                assertThat(commandLine(pid)).contains("-XX:SharedArchiveFile=" + archive)
                        .doesNotContain("ArchiveClassesAtExit");
                assertThat(maps(pid)).as("the JVM took the archive").contains(archive.toString());
            });
            useIt(second);
            stop(second);
            assertThat(second.logText()).doesNotContain("class archive for workers made")
                    .doesNotContain("[error]").doesNotContain("[warning]");
        }
    }

    /** A JVM maps an archive unchecked: with this header byte changed, every worker died as it started. */
    @Test
    void aDamagedArchiveIsDeletedBeforeAnyWorkerMapsItAndTheNextCleanStopMakesANewOne() throws Exception {
        TestUsers.add(data, "ada");
        Path archive = recordArchive();
        byte[] bytes = Files.readAllBytes(archive);
        bytes[100] ^= 0x5a;
        Files.write(archive, bytes);

        try (var server = serve("--workers", "2")) {
            assertThat(server.logText()).contains("class archive " + archive + " is unusable (java -version with it "
                    + "exited with code 1: ").contains("): deleted; the next worker records a new one");
            assertThat(server.workerPids()).hasSize(2).allSatisfy(pid -> assertThat(commandLine(pid))
                    .doesNotContain("SharedArchiveFile"));
            useIt(server);
            stop(server);
            assertThat(server.logText()).contains("class archive for workers made: " + archive)
                    .doesNotContain(" died (");
        }
        try (var server = serve("--workers", "1")) {
            long worker = server.workerPids().iterator().next();
            assertThat(maps(worker)).as("the new archive is used").contains(archive.toString());
            stop(server);
            assertThat(server.logText()).doesNotContain("unusable");
        }
    }

    @Test
    void offMeansNoArchiveAndNoRecording() throws Exception {
        TestUsers.add(data, "ada");
        try (var server = serve("--workers", "1", "--class-cache", "off")) {
            long worker = server.workerPids().iterator().next();
            assertThat(commandLine(worker)).doesNotContain("SharedArchiveFile").doesNotContain("ArchiveClassesAtExit");
            useIt(server);
            stop(server);
        }
        assertThat(data.resolve("cache")).doesNotExist();
    }

    @Test
    void aWorkerKilledBeforeItStopsLeavesNothingAndTheNextOneRecordsAgain() throws Exception {
        TestUsers.add(data, "ada");
        Path cache = local.resolve("shared");
        try (var server = serve("--workers", "1", "--class-cache", cache.toString())) {
            long first = server.workerPids().iterator().next();
            ServerProcess.kill("KILL", first);
            server.awaitLog("died (killed by signal 9)", Duration.ofSeconds(30));
            long replacement = awaitOtherWorker(server, first);
            assertThat(commandLine(replacement)).contains("-XX:ArchiveClassesAtExit=" + cache.resolve("worker-"));
            useIt(server);
            stop(server);
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).singleElement().satisfies(f -> assertThat(f.toString()).endsWith(".jsa"));
        }
    }

    private static long awaitOtherWorker(ServerProcess server, long gone) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var pids = server.workerPids();
            if (!pids.isEmpty() && !pids.contains(gone)) {
                return pids.iterator().next();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("worker " + gone + " was not replaced:\n" + server.logText());
    }
}
