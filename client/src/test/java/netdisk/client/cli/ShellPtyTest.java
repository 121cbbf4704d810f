package netdisk.client.cli;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import netdisk.client.FakeServer;
import netdisk.client.Pty;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shell as a person uses it, on a pseudo-terminal, against {@link FakeServer}: the prompt, Tab completion of
 * remote names (Chinese ones included), Ctrl-C at the prompt and during a transfer (a download is kept to resume),
 * Ctrl-D, the history file.
 */
class ShellPtyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @TempDir
    Path local;

    private FakeServer server;
    private Pty shell;

    @BeforeEach
    void start() throws Exception {
        server = FakeServer.start().addUser("alice", "pw");
        server.directory("alice", "/文档");
        server.file("alice", "/文档/年度报告.txt", "报告\n".getBytes(StandardCharsets.UTF_8));
        server.directory("alice", "/photos");
        shell = Pty.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), ClientMain.class.getName(),
                        "--port", Integer.toString(server.port()), "--user", "alice"),
                Map.of("NETDISK_PASSWORD", "pw", "HOME", home.toString(),
                        "XDG_CONFIG_HOME", home.resolve("config").toString(),
                        "XDG_STATE_HOME", home.resolve("state").toString()),
                local);
        shell.await(0, "alice@127.0.0.1:/> ", WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        shell.close();
        server.close();
    }

    @Test
    void tabCompletesCommandsAndRemoteNamesAndTheHistoryIsKept() throws Exception {
        int mark = shell.mark();
        shell.type("lp" + Pty.TAB);
        shell.await(mark, "lpwd", WAIT);
        shell.type("\r");
        shell.await(mark, local.toString(), WAIT);

        mark = shell.mark();
        shell.type("cd 文" + Pty.TAB);
        shell.await(mark, "cd 文档/", WAIT);
        shell.type("\r");
        shell.await(mark, "alice@127.0.0.1:/文档> ", WAIT);

        mark = shell.mark();
        shell.type("get 年" + Pty.TAB);
        shell.await(mark, "get 年度报告.txt", WAIT);
        shell.type("\r");
        shell.awaitInOrder(mark, WAIT, "get: /文档/年度报告.txt -> " + local.resolve("年度报告.txt"),
                "alice@127.0.0.1:/文档> ");
        assertThat(local.resolve("年度报告.txt")).hasContent("报告");

        shell.type(Pty.CTRL_D);
        assertThat(shell.waitFor(WAIT)).isZero();
        assertThat(home.resolve("state/netdisk/history")).content(StandardCharsets.UTF_8)
                .contains("lpwd", "cd 文档/", "get 年度报告.txt");
    }

    @Test
    void ctrlCAtThePromptClearsTheLineAndTheShellGoesOn() throws Exception {
        int mark = shell.mark();
        shell.type("rm -r photos");
        shell.await(mark, "rm -r photos", WAIT);
        shell.type(Pty.CTRL_C);
        mark = shell.mark();
        shell.type("ls\r");
        shell.awaitInOrder(mark, WAIT, "photos/", "alice@127.0.0.1:/> ");
        assertThat(server.exists("alice", "/photos")).isTrue();
        shell.type("exit\r");
        assertThat(shell.waitFor(WAIT)).isZero();
    }

    @Test
    void ctrlCDuringATransferCancelsItKeepsThePartialFileAndTheNextGetResumes() throws Exception {
        byte[] content = new byte[8 << 20];
        new Random(3).nextBytes(content);
        server.file("alice", "/big.bin", content);
        server.slowTransfers(20); // 64 KiB every 20 ms: the download takes seconds, plenty of time for a Ctrl-C
        int logins = server.logins();
        int mark = shell.mark();
        shell.type("get big.bin\r");
        shell.await(mark, "get big.bin", WAIT);
        shell.await(mark, "%", WAIT);
        Path partial = local.resolve(".big.bin.netdisk-part");
        for (long deadline = System.nanoTime() + WAIT.toNanos(); !hasContent(partial); ) { // some of it has come
            assertThat(System.nanoTime()).as("content arriving in " + partial).isLessThan(deadline);
            Thread.sleep(5);
        }
        shell.type(Pty.CTRL_C);
        shell.awaitInOrder(mark, WAIT, "cancelled; what came is kept in " + partial + ": get it again to resume",
                "alice@127.0.0.1:/> ");
        try (Stream<Path> files = Files.list(local)) {
            assertThat(files).containsExactly(partial);
        }
        long kept = Files.size(partial);
        assertThat(kept).isPositive().isLessThan(content.length);

        server.slowTransfers(0);
        mark = shell.mark();
        shell.type("get big.bin\r");
        shell.awaitInOrder(mark, WAIT, "get: /big.bin -> " + local.resolve("big.bin") + " (8.00 MiB, resumed from ",
                "alice@127.0.0.1:/> ");
        assertThat(server.logins()).as("logged in again with the token").isEqualTo(logins + 1);
        assertThat(server.resumedFrom()).containsExactly(0L, kept);
        assertThat(local.resolve("big.bin")).hasBinaryContent(content);
        assertThat(partial).doesNotExist();
        shell.type("quit\r");
        assertThat(shell.waitFor(WAIT)).isZero();
    }

    @Test
    void ctrlCWhileAFileIsHashedStopsThePutBeforeItSendsAnything() throws Exception {
        try (var sparse = new RandomAccessFile(local.resolve("huge.bin").toFile(), "rw")) {
            sparse.setLength(8L << 30); // seconds of hashing, nothing stored locally
        }
        server.hashFirst(true); // as when a stored file has its size: else it would be streamed, not hashed first
        int mark = shell.mark();
        shell.type("put huge.bin\r");
        shell.await(mark, "hash huge.bin", WAIT);
        shell.type(Pty.CTRL_C);
        shell.awaitInOrder(mark, WAIT, "cancelled", "alice@127.0.0.1:/> ");
        assertThat(shell.text().substring(mark)).doesNotContain("put /huge.bin");

        mark = shell.mark();
        shell.type("ls\r");
        shell.awaitInOrder(mark, WAIT, "文档/", "alice@127.0.0.1:/> ");
        assertThat(server.exists("alice", "/huge.bin")).isFalse();
        assertThat(server.contentReceived()).isZero();
        shell.type("exit\r");
        assertThat(shell.waitFor(WAIT)).isZero();
    }

    private static boolean hasContent(Path file) {
        try {
            return Files.size(file) > 0;
        } catch (java.io.IOException e) {
            return false; // not there yet
        }
    }
}
