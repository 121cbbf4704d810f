package netdisk.it;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import netdisk.protocol.ProtocolVersion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands a user types: the tutorial's positional form, IPv6, ping, status, and their exit codes. Transfers from
 * the command line wait for the new CLI (see the TODO(cli) below).
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

    // TODO(cli): re-add put and get from the command line with the new CLI's login (`netdisk login`, --user,
    //  NETDISK_PASSWORD, the session store): a user added with TestUsers, then
    //  - `put LOCAL` of 3 MB named 数据.bin: exit 0, "put 数据.bin  100%", "put: LOCAL -> 数据.bin (2.86 MiB)";
    //  - `get 数据.bin COPY`: exit 0, "get 数据.bin  100%", same SHA-256 as LOCAL;
    //  - `get -q 数据.bin DIR/`: exit 0, no output;
    //  - `get missing.bin M`: exit 6, "netdisk: not found: ...", M not created;
    //  - `put LOCAL ../escape.bin`: what the new CLI does with `..` (it resolves it against its working directory,
    //    so it may now be a valid path) and, for a refused path such as a NUL in a name, exit 6 "bad path";
    //  - `put NOPE`: exit 7, "no such file";
    //  - no *.netdisk-part-* file left next to the downloads;
    //  - and without a login: the exit code and message the new CLI gives for AUTH_REQUIRED.
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
