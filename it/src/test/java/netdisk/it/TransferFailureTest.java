package netdisk.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import netdisk.client.ServerRefusedException;
import netdisk.client.TransferInterruptedException;
import netdisk.client.TransferListener;
import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A worker or the whole server killed in the middle of a transfer: the client stops with a clear error, no hang. */
class TransferFailureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String USER = "ada";

    @TempDir
    Path data;

    @TempDir
    Path local;

    /** A sink that holds the download at its first bytes until {@code release} opens. */
    private static WritableByteChannel holdingSink(CountDownLatch firstBytes, CountDownLatch release) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                firstBytes.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aWorkerKilledMidDownloadEndsTheDownloadWithAClearError() throws Exception {
        TestUsers.add(data, USER);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            try (var client = Clients.login(server, USER)) {
                Clients.put(client, Sparse.file(local.resolve("big.bin"), 200_000_000), "/big.bin");
            }
            var firstBytes = new CountDownLatch(1);
            var workerDead = new CountDownLatch(1);
            try (var client = Clients.login(server, USER)) {
                long workerPid = client.welcome().workerPid();
                Thread.ofVirtual().start(() -> {
                    try {
                        firstBytes.await();
                        ServerProcess.kill("KILL", workerPid);
                        await().atMost(TIMEOUT).until(() -> ProcessHandle.of(workerPid).isEmpty());
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    } finally {
                        workerDead.countDown();
                    }
                });
                assertThatThrownBy(() -> client.get("/big.bin", holdingSink(firstBytes, workerDead),
                        TransferListener.NONE))
                        .isInstanceOf(TransferInterruptedException.class)
                        .hasMessageContaining("of 200000000 bytes of big.bin");
            }
        }
    }

    @Test
    void aWorkerKilledMidUploadEndsTheUploadAndLeavesNoFileOrTemporaryFile() throws Exception {
        TestUsers.add(data, USER);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            Path source = Sparse.file(local.resolve("sparse.bin"), 2L << 30); // plenty of time to kill the worker
            try (var client = Clients.login(server, USER)) {
                long workerPid = client.welcome().workerPid();
                var listener = new TransferListener() {
                    boolean killed;

                    @Override
                    public void started(String name, long size, long offset) {
                    }

                    @Override
                    public void advanced(long bytes) {
                        if (!killed) {
                            killed = true;
                            try {
                                ServerProcess.kill("KILL", workerPid);
                                await().atMost(TIMEOUT).until(() -> ProcessHandle.of(workerPid).isEmpty());
                            } catch (IOException | InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                    }
                };
                assertThatThrownBy(() -> Clients.put(client, source, "/sparse.bin", listener))
                        .isInstanceOf(TransferInterruptedException.class).hasMessageContaining("upload to /sparse.bin");
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(DataDir.temporaryFiles(data))
                    .as("the dead worker's temporary file is removed").isEmpty());
            try (var client = Clients.login(server, USER)) {
                assertThatThrownBy(() -> client.stat("/sparse.bin")).isInstanceOfSatisfying(
                        ServerRefusedException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
            }
            assertThat(DataDir.blobFiles(data)).as("nothing of it was stored").isEmpty();
        }
    }

    @Test
    void theServerKilledMidDownloadEndsTheCliWithExitCode8AndKeepsThePartialFile(@TempDir Path home)
            throws Exception {
        TestUsers.add(data, USER);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            try (var client = Clients.login(server, USER)) {
                Clients.put(client, Sparse.file(local.resolve("source.bin"), 300_000_000), "/big.bin");
            }
            String port = Integer.toString(server.port());
            var environment = Map.of("XDG_CONFIG_HOME", home.toString(), "NETDISK_PASSWORD", TestUsers.PASSWORD);
            var login = Cli.client(environment, "--port", port, "--user", USER, "login");
            assertThat(login.exitCode()).as(login.output()).isZero();

            // a CLI download in a process of its own, paused by SIGSTOP half-way so the kill lands mid-transfer
            var cli = Cli.start(environment, "--port", port, "get", "/big.bin", local.resolve("big.bin").toString());
            Path partial = local.resolve(".big.bin.netdisk-part");
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.exists(partial) && Files.size(partial) > 0); // content is coming
            ServerProcess.kill("STOP", cli.pid());
            server.killAll();
            ServerProcess.kill("CONT", cli.pid());
            assertThat(cli.waitFor(20, TimeUnit.SECONDS)).as("the client ends by itself").isTrue();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.exitValue()).as(output).isEqualTo(8);
            assertThat(output).contains("netdisk: ");
            assertThat(local.resolve("big.bin")).doesNotExist();
            assertThat(partial).as("kept, for the next get to resume (DownloadResumeTest)").exists();

            var ping = Cli.client("--port", port, "ping");
            assertThat(ping.exitCode()).as(ping.output()).isEqualTo(3);
            assertThat(ping.output()).contains("netdisk: cannot connect to 127.0.0.1:" + port);
        }
    }
}
