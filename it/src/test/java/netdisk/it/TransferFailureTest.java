package netdisk.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferInterruptedException;
import netdisk.client.TransferListener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A worker or the whole server killed in the middle of a transfer: the client stops with a clear error, no hang. */
class TransferFailureTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void aWorkerKilledMidDownloadEndsTheDownloadWithAClearError() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            Sha256.randomFile(Files.createDirectories(data.resolve("files")).resolve("big.bin"), 300_000_000, 3);
            var firstBytes = new CountDownLatch(1);
            var workerDead = new CountDownLatch(1);
            WritableByteChannel slowSink = new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) {
                    firstBytes.countDown();
                    try {
                        workerDead.await(); // hold the download here until the worker is gone
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
            try (var client = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
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
                assertThatThrownBy(() -> client.get("big.bin", slowSink, TransferListener.NONE))
                        .isInstanceOf(TransferInterruptedException.class)
                        .hasMessageContaining("of 300000000 bytes of big.bin");
            }
        }
    }

    @Test
    void aWorkerKilledMidUploadEndsTheUploadAndLeavesNoFileOrTemporaryFile() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            Path source = local.resolve("sparse.bin");
            try (var file = new RandomAccessFile(source.toFile(), "rw")) {
                file.setLength(2L << 30); // 2 GiB of holes: plenty of time to kill the worker half-way
            }
            try (var client = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);
                 var in = FileChannel.open(source)) {
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
                assertThatThrownBy(() -> client.put(in, in.size(), "sparse.bin", listener))
                        .isInstanceOf(TransferInterruptedException.class).hasMessageContaining("upload to sparse.bin");
            }
            assertThat(data.resolve("files/sparse.bin")).doesNotExist();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                try (var uploads = Files.list(data.resolve("tmp/uploads"))) {
                    assertThat(uploads).as("the dead worker's temporary file is removed").isEmpty();
                }
            });
        }
    }

    @Test
    void theServerKilledMidDownloadEndsTheCliWithExitCode8AndNoPartialFile() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            try (var file = new RandomAccessFile(Files.createDirectories(data.resolve("files")).resolve("big.bin")
                    .toFile(), "rw")) {
                file.setLength(1L << 30); // 1 GiB of holes: a download of a second or so
            }
            // a CLI download in a process of its own, paused by SIGSTOP half-way so the kill lands mid-transfer
            var cli = Cli.start("--port", Integer.toString(server.port()), "get", "big.bin",
                    local.resolve("big.bin").toString());
            var workers = server.workerPids();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> partialFiles() > 0);
            ServerProcess.kill("STOP", cli.pid());
            server.signal("KILL");
            for (long worker : workers) {
                ServerProcess.kill("KILL", worker);
            }
            ServerProcess.kill("CONT", cli.pid());
            assertThat(cli.waitFor(20, TimeUnit.SECONDS)).as("the client ends by itself").isTrue();
            assertThat(cli.exitValue()).isEqualTo(8);
            assertThat(new String(cli.getInputStream().readAllBytes())).contains("netdisk: ");
            assertThat(local.resolve("big.bin")).doesNotExist();
            assertThat(partialFiles()).isZero();
        }
    }

    private long partialFiles() throws IOException {
        try (var list = Files.list(local)) {
            return list.filter(p -> p.getFileName().toString().contains(".netdisk-part-")).count();
        }
    }
}
