package netdisk.it;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import netdisk.client.Pty;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interactive shell ({@code bin/netdisk} with no command) on a pseudo-terminal against the real server, with an
 * account made by the operator's {@code netdisk-server user add}: the prompt, Tab completion of a Chinese remote
 * name, and Ctrl-C during a transfer returning to the prompt with the shell still logged in.
 *
 * <p>Needs the server's accounts (protocol 1.1 logins and the {@code user add} command); until a server has them,
 * the tests are skipped, saying so.
 */
class ShellTerminalTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @TempDir
    Path home;

    @TempDir
    Path local;

    private ServerProcess server;
    private Pty shell;

    @BeforeEach
    void start() throws Exception {
        var add = Cli.run(Map.of("NETDISK_PASSWORD", "correct horse"), "user", "add", "alice", "--data",
                data.toString());
        boolean unknownCommand = add.exitCode() == 2
                && (add.output().contains("not add") || add.output().contains("Unmatched argument"));
        Assumptions.assumeFalse(unknownCommand, "this server has no accounts yet (no `netdisk-server user add`)");
        assertThat(add.exitCode()).as(add.output()).isZero();
        server = ServerProcess.start(data, "process", "--workers", "2");
        shell = Pty.start(Cli.clientCommand("--port", Integer.toString(server.port()), "--user", "alice"),
                Map.of("NETDISK_PASSWORD", "correct horse", "HOME", home.toString(),
                        "XDG_CONFIG_HOME", home.resolve("config").toString(),
                        "XDG_STATE_HOME", home.resolve("state").toString()),
                local);
        shell.await(0, "alice@127.0.0.1:/> ", WAIT);
    }

    @AfterEach
    void stop() {
        if (shell != null) {
            shell.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePromptCompletesARemoteChineseNameAndCdMovesIntoIt() throws Exception {
        Files.writeString(local.resolve("说明.txt"), "你好");
        int mark = shell.mark();
        shell.type("mkdir 文档\r");
        shell.awaitInOrder(mark, WAIT, "mkdir 文档\n", "alice@127.0.0.1:/> ");
        mark = shell.mark();
        shell.type("put 说明.txt 文档\r");
        shell.await(mark, "put: " + local.resolve("说明.txt") + " -> /文档/说明.txt", WAIT);

        mark = shell.mark();
        shell.type("cd 文" + Pty.TAB);
        shell.await(mark, "cd 文档/", WAIT);
        shell.type("\r");
        shell.await(mark, "alice@127.0.0.1:/文档> ", WAIT);

        mark = shell.mark();
        shell.type("stat 说" + Pty.TAB);
        shell.await(mark, "stat 说明.txt", WAIT);
        shell.type("\r");
        shell.awaitInOrder(mark, WAIT, "path:     /文档/说明.txt", "alice@127.0.0.1:/文档> ");

        shell.type(Pty.CTRL_D);
        assertThat(shell.waitFor(WAIT)).isZero();
    }

    @Test
    void ctrlCDuringAnUploadReturnsToThePromptAndTheNextCommandWorks() throws Exception {
        try (var sparse = new RandomAccessFile(local.resolve("huge.bin").toFile(), "rw")) {
            sparse.setLength(4L << 30); // 4 GiB of holes: seconds to send, nothing to store locally
        }
        int mark = shell.mark();
        shell.type("put huge.bin\r");
        shell.await(mark, "put /huge.bin", WAIT);
        shell.await(mark, "%", WAIT);
        shell.type(Pty.CTRL_C);
        shell.awaitInOrder(mark, WAIT, "cancelled", "alice@127.0.0.1:/> ");

        mark = shell.mark();
        shell.type("ls -l\r");
        shell.awaitInOrder(mark, WAIT, "ls -l\n", "alice@127.0.0.1:/> ");
        assertThat(shell.text().substring(mark)).doesNotContain("huge.bin", "netdisk:");
        shell.type("exit\r");
        assertThat(shell.waitFor(WAIT)).isZero();
    }

    @Test
    void aBackgroundTransferLetsTheShellBrowseAndSaysWhenItEnds() throws Exception {
        Path content = Sha256.randomFile(local.resolve("big.bin"), 5_000_000, 71);
        int mark = shell.mark();
        shell.type("put -q big.bin\r");
        shell.awaitInOrder(mark, WAIT, "put -q big.bin\n", "alice@127.0.0.1:/> ");

        // a download into a FIFO nobody reads yet: the job stays on its first write until the test reads
        Path fifo = local.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        mark = shell.mark();
        shell.type("get big.bin pipe &\r");
        shell.awaitInOrder(mark, WAIT, "[1] get big.bin pipe", "alice@127.0.0.1:/> ");

        mark = shell.mark();
        shell.type("mkdir while-it-runs\r");
        shell.awaitInOrder(mark, WAIT, "mkdir while-it-runs\n", "alice@127.0.0.1:/> ");
        mark = shell.mark();
        shell.type("ls\r");
        shell.awaitInOrder(mark, WAIT, "big.bin", "while-it-runs/", "alice@127.0.0.1:/> ");
        mark = shell.mark();
        shell.type("jobs\r");
        shell.awaitInOrder(mark, WAIT, "[1] running", "get big.bin pipe", "alice@127.0.0.1:/> ");

        mark = shell.mark();
        Path copy = local.resolve("copy.bin");
        Process reader = new ProcessBuilder("cp", fifo.toString(), copy.toString()).start();
        assertThat(reader.waitFor()).isZero();
        shell.await(mark, "[1] done: get big.bin pipe", WAIT);
        assertThat(Sha256.of(copy)).isEqualTo(Sha256.of(content));

        mark = shell.mark();
        shell.type("put big.bin again.bin &\r");
        shell.await(mark, "[2] done: put big.bin again.bin", WAIT);
        shell.await(mark, "-> /again.bin (4.77 MiB, instant)", WAIT);
        mark = shell.mark();
        shell.type("ls &\r");
        shell.await(mark, "only put and get run in the background", WAIT);
        shell.type("exit\r");
        assertThat(shell.waitFor(WAIT)).isZero();
    }
}
