package netdisk.it;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import netdisk.protocol.ProtocolVersion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands a user types: the tutorial's positional form, IPv6, ping, status, login, put and get, and their exit
 * codes.
 */
class CommandLineTest {

    @TempDir
    Path data;

    @Test
    void theTutorialsPositionalFormOnIpv6WithPingAndStatus() throws Exception {
        try (var server = ServerProcess.launch(data, List.of("::1", "0", "2", "--data", data.toString()))) {
            assertThat(server.logText()).contains("listening on [0:0:0:0:0:0:0:1]:" + server.port() + " with 2 process workers");

            var ping = Cli.client("--host", "::1", "--port", Integer.toString(server.port()), "ping", "-c", "2");
            assertThat(ping.exitCode()).as(ping.output()).isZero();
            assertThat(ping.output()).contains("netdisk-server 0.1.0 (protocol " + ProtocolVersion.MAJOR + "."
                    + ProtocolVersion.MINOR + ")", "answered by worker", "ping 2:");
            long workerPid = Long.parseLong(ping.output().replaceAll("(?s).*\\(pid (\\d+)\\).*", "$1"));
            assertThat(server.workerPids()).contains(workerPid).doesNotContain(server.pid());

            var status = Cli.run("status", "--data", data.toString());
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output()).contains("process mode", "WORKER", "STATE", "SESSIONS", "idle",
                    Long.toString(workerPid));

            var json = Cli.run("status", "--json", "--data", data.toString());
            assertThat(json.output()).contains("\"workers\":[{\"no\":0,").contains("\"mode\":\"process\"");
        }
    }

    @Test
    void putAndGetFromTheCommandLineWithProgressAndExitCodes(@TempDir Path local, @TempDir Path home)
            throws Exception {
        var password = Map.of("NETDISK_PASSWORD", "correct horse");
        assertThat(Cli.run(password, "user", "add", "alice", "--data", data.toString()).exitCode()).isZero();
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            String port = Integer.toString(server.port());
            var saved = Map.of("XDG_CONFIG_HOME", home.toString());
            var login = Cli.client(Map.of("NETDISK_PASSWORD", "correct horse", "XDG_CONFIG_HOME", home.toString()),
                    "--port", port, "--user", "alice", "login");
            assertThat(login.exitCode()).as(login.output()).isZero();
            Path original = Sha256.randomFile(local.resolve("数据.bin"), 3_000_000, 5);

            var put = Cli.client(saved, "--port", port, "put", original.toString());
            assertThat(put.exitCode()).as(put.output()).isZero();
            assertThat(put.output()).contains("put /数据.bin  100%", "put: " + original + " -> /数据.bin (2.86 MiB)");

            var get = Cli.client(saved, "--port", port, "get", "数据.bin", local.resolve("copy.bin").toString());
            assertThat(get.exitCode()).as(get.output()).isZero();
            assertThat(get.output()).contains("get 数据.bin  100%");
            assertThat(Sha256.of(local.resolve("copy.bin"))).isEqualTo(Sha256.of(original));

            var intoDirectory = Cli.client(saved, "--port", port, "get", "-q", "数据.bin", local.toString() + "/");
            assertThat(intoDirectory.exitCode()).isZero();
            assertThat(intoDirectory.output()).isEmpty();

            var missing = Cli.client(saved, "--port", port, "get", "missing.bin", local.resolve("m").toString());
            assertThat(missing.exitCode()).isEqualTo(6);
            assertThat(missing.output()).contains("netdisk: not found: ", "/missing.bin");
            assertThat(local.resolve("m")).doesNotExist();

            var tooLong = Cli.client(saved, "--port", port, "put", original.toString(), "x".repeat(256));
            assertThat(tooLong.exitCode()).isEqualTo(6);
            assertThat(tooLong.output()).contains("name too long");

            var noLocal = Cli.client(saved, "--port", port, "put", local.resolve("nope").toString());
            assertThat(noLocal.exitCode()).isEqualTo(7);
            assertThat(noLocal.output()).contains("no such file");

            var notLoggedIn = Cli.client(Map.of("XDG_CONFIG_HOME", local.toString()), "--port", port, "ls");
            assertThat(notLoggedIn.exitCode()).isEqualTo(10);
            assertThat(notLoggedIn.output()).contains("run `netdisk --user NAME login` first");

            try (var listing = java.nio.file.Files.list(local)) {
                assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("netdisk-part"));
            }
        }
    }

    @Test
    void usageErrorsExitWith2AndSayWhatIsWrong() throws Exception {
        var unknownOption = Cli.client("--bogus", "ping");
        assertThat(unknownOption.exitCode()).as(unknownOption.output()).isEqualTo(2);
        assertThat(unknownOption.output()).contains("--bogus");

        var missingRemote = Cli.client("get");
        assertThat(missingRemote.exitCode()).as(missingRemote.output()).isEqualTo(2);
        assertThat(missingRemote.output()).contains("REMOTE");

        var extra = Cli.client("ping", "extra");
        assertThat(extra.exitCode()).as(extra.output()).isEqualTo(2);
        assertThat(extra.output()).contains("extra");
    }

    @Test
    void pingOfAServerThatIsNotThereExitsWithUnreachable() throws Exception {
        int closedPort;
        try (var probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        var ping = Cli.client("--port", Integer.toString(closedPort), "ping");
        assertThat(ping.exitCode()).isEqualTo(3);
        assertThat(ping.output()).contains("netdisk: cannot connect to 127.0.0.1:" + closedPort);
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesToStart() throws Exception {
        try (var first = ServerProcess.start(data, "thread", "--workers", "1")) {
            var second = Cli.run("serve", "--port", "0", "--mode", "thread", "--data", data.toString());
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.output()).contains("another netdisk-server (pid " + first.pid() + ") is running");
        }
    }
}
