package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code put -r} and {@code get -r} with the real command line against a real server: many small files pipelined and
 * bigger ones alone, over several transfer connections logged in with tickets, under one combined progress bar; the
 * tree comes back byte for byte.
 */
class TreeTransferTest {

    @TempDir
    Path data;

    @TempDir
    Path local;

    @TempDir
    Path home;

    @Test
    void aTreeOfSmallAndBigFilesGoesUpAndComesBackInParallel() throws Exception {
        TestUsers.add(data, "alice");
        Path tree = local.resolve("tree");
        for (int d = 0; d < 6; d++) {
            for (int f = 0; f < 50; f++) {
                Sha256.randomFile(tree.resolve("dir " + d).resolve("小文件 " + f + ".txt"), 100 + 37L * f, d * 100 + f);
            }
        }
        Sha256.randomFile(tree.resolve("big/one.bin"), 3_000_000, 900);
        Sha256.randomFile(tree.resolve("big/two.bin"), 1_000_000, 901);
        Sha256.randomFile(tree.resolve("big/edge.bin"), 256 * 1024 + 1, 902); // just past the pipelined size
        Sha256.randomFile(tree.resolve("big/huge.bin"), 17L << 20, 903); // streamed (PutStream): 16 MiB or more
        Files.createDirectories(tree.resolve("empty"));
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            String port = Integer.toString(server.port());
            var env = Map.of("XDG_CONFIG_HOME", home.toString(), "NETDISK_PASSWORD", TestUsers.PASSWORD);
            assertThat(Cli.client(env, "--port", port, "--user", "alice", "login").exitCode()).isZero();

            var put = Cli.client(env, "--port", port, "put", "-r", "--parallel", "3", tree.toString(), "/");
            assertThat(put.exitCode()).as(put.output()).isZero();
            assertThat(put.output()).contains("put 304/304 files  100%", "put: " + tree + " -> /tree (304 files, ");

            var again = Cli.client(env, "--port", port, "put", "-r", "-q", tree.toString(), "/copy");
            assertThat(again.exitCode()).as(again.output()).isZero();

            Path back = local.resolve("back");
            var get = Cli.client(env, "--port", port, "get", "-r", "--parallel", "3", "/tree", back.toString());
            assertThat(get.exitCode()).as(get.output()).isZero();
            assertThat(get.output()).contains("get 304/304 files  100%", "get: /tree -> " + back + " (304 files, ");
            assertThat(contents(back)).isEqualTo(contents(tree));
            assertThat(back.resolve("empty")).isEmptyDirectory();

            var refused = Cli.client(env, "--port", port, "get", "-r", "--parallel", "0", "/tree", back.toString());
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.output()).contains("--parallel must be 1 to 64");
            assertThat(server.log().stream().filter(line -> line.endsWith(", streamed")))
                    .as("huge.bin streamed once; its copy had a stored size, so it was hashed first (and instant)")
                    .singleElement().asString().contains("upload of /tree/big/huge.bin: " + (17L << 20) + " bytes");
        }
        String audit = DataDir.auditText(data);
        assertThat(audit).as("transfer connections logged in with tickets").contains("ticket");
        assertThat(DataDir.auditLines(data)).as("one line per file each way, pipelined or not")
                .filteredOn(line -> line.matches(".* op=put path=\"?/tree/.* result=ok.*")).hasSize(304);
        assertThat(DataDir.auditLines(data))
                .filteredOn(line -> line.matches(".* op=get path=\"?/tree/.* result=ok.*")).hasSize(304);
        assertThat(DataDir.blobHashes(data)).as("the copy stored nothing new").hasSize(304);
        assertThat(DataDir.temporaryFiles(data)).isEmpty();
    }

    @Test
    void aFileWhereTheTreeNeedsADirectoryStopsThePutBeforeAnyFileIsSent() throws Exception {
        TestUsers.add(data, "alice");
        Path tree = local.resolve("tree");
        for (int d = 0; d < 70; d++) { // more directories than the client sends before reading answers
            Sha256.randomFile(tree.resolve("d" + d).resolve("f.txt"), 10, d);
        }
        Path blocker = Sha256.randomFile(local.resolve("blocker"), 5, 99);
        try (var server = ServerProcess.start(data, "process", "--workers", "1")) {
            String port = Integer.toString(server.port());
            var env = Map.of("XDG_CONFIG_HOME", home.toString(), "NETDISK_PASSWORD", TestUsers.PASSWORD);
            assertThat(Cli.client(env, "--port", port, "--user", "alice", "login").exitCode()).isZero();
            assertThat(Cli.client(env, "--port", port, "mkdir", "/tree").exitCode()).isZero();
            assertThat(Cli.client(env, "--port", port, "put", "-q", blocker.toString(), "/tree/d3").exitCode())
                    .isZero();

            var put = Cli.client(env, "--port", port, "put", "-r", "-q", tree.toString(), "/");
            assertThat(put.exitCode()).as(put.output()).isNotZero();
            assertThat(put.output()).contains("/tree/d3");
            var ls = Cli.client(env, "--port", port, "ls", "/tree");
            assertThat(ls.output()).as("every other directory made, no file sent").contains("d69/")
                    .doesNotContain("f.txt");
            assertThat(Cli.client(env, "--port", port, "ls", "/tree/d69").output()).doesNotContain("f.txt");
        }
    }

    /** Every regular file under {@code root} by relative path, with its SHA-256. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                contents.put(root.relativize(file).toString(), Sha256.of(file));
            }
        }
        return contents;
    }
}
