package netdisk.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import netdisk.client.NetdiskClient;
import netdisk.client.ServerRefusedException;
import netdisk.client.TransferListener;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.PutHash;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A full disk: the server's data directory on a 24 MiB tmpfs (mounting needs root, as in CI; the test is skipped
 * elsewhere). Uploads that cannot fit are refused with NO_SPACE, up front or half-way; nothing already stored is lost,
 * nothing half-written stays, and the server carries on.
 */
class FullDiskTest {

    private static final String USER = "ada";

    @TempDir
    Path mountPoint;

    @TempDir
    Path local;

    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        assumeThat(mounted).as("can mount a tmpfs (needs root)").isTrue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void uploadsThatDoNotFitAreRefusedAndLoseNothing() throws Exception {
        Path data = mountPoint.resolve("data");
        Path small = Sha256.randomFile(local.resolve("small.bin"), 4_000_000, 11);
        Path nine = Sha256.randomFile(local.resolve("nine.bin"), 9_000_000, 12);
        Path tooBig = Sha256.randomFile(local.resolve("big.bin"), 40_000_000, 13);
        TestUsers.add(data, USER);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            put(server, small, "/kept.bin");

            assertThatThrownBy(() -> put(server, tooBig, "/big.bin"))
                    .isInstanceOfSatisfying(ServerRefusedException.class, e -> {
                        assertThat(e.code()).contains(ErrorCode.NO_SPACE);
                        assertThat(e).hasMessageContaining("needs 40000000 bytes");
                    });

            // an upload that fits when it starts, but the disk fills up under it (another writer, here the test)
            Path filler = mountPoint.resolve("filler");
            var fillTheDisk = new TransferListener() {
                @Override
                public void started(String name, long size, long offset) {
                    try (var out = Files.newOutputStream(filler)) {
                        byte[] block = new byte[1 << 20];
                        while (true) {
                            out.write(block);
                        }
                    } catch (IOException e) {
                        // the file system is full: as intended
                    }
                }

                @Override
                public void advanced(long bytes) {
                }
            };
            try (var client = Clients.login(server, USER)) {
                assertThatThrownBy(() -> Clients.put(client, nine, "/a.bin", fillTheDisk))
                        .isInstanceOfSatisfying(ServerRefusedException.class,
                                e -> assertThat(e.code()).contains(ErrorCode.NO_SPACE));
            }
            Files.delete(filler);
            try (var client = Clients.login(server, USER); var in = FileChannel.open(nine)) { // streamed (1.4)
                assertThatThrownBy(() -> client.putStream(in, Files.size(nine), "/s.bin", true, fillTheDisk))
                        .isInstanceOfSatisfying(ServerRefusedException.class,
                                e -> assertThat(e.code()).contains(ErrorCode.NO_SPACE));
            }
            Files.delete(filler);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(DataDir.partialFiles(data)).as("a failed upload is not kept").isEmpty());

            // a client that sends all the content and its PutHash after the early refusal stays in step
            try (var raw = RawClient.login(server, USER)) {
                raw.send(new PutStream("/t.bin", Files.size(nine)));
                assertThat(raw.answer()).isEqualTo(new PutReady(0));
                fillTheDisk.started("/t.bin", Files.size(nine), 0);
                raw.content(nine, 0, Files.size(nine));
                raw.send(new PutHash(Sha256.of(nine)));
                assertThat(raw.answer()).isInstanceOfSatisfying(ErrorReply.class,
                        e -> assertThat(e.errorCode()).contains(ErrorCode.NO_SPACE));
                raw.send(2, new Ping(9));
                assertThat(raw.answer()).as("the PutHash was read and dropped").isEqualTo(new Pong(9));
            }
            Files.delete(filler);

            try (var client = Clients.login(server, USER)) {
                client.ping();
                assertThat(Clients.sha256(client, "/kept.bin")).isEqualTo(Sha256.of(small));
                assertNotFound(client, "/big.bin");
                assertNotFound(client, "/a.bin");
            }
            assertThat(DataDir.temporaryFiles(data)).as("no half-written upload stays").isEmpty();
            assertThat(DataDir.blobHashes(data)).containsExactly(Sha256.of(small));
            put(server, nine, "/a.bin"); // with space again, the same upload works
            try (var client = Clients.login(server, USER)) {
                assertThat(Clients.sha256(client, "/a.bin")).isEqualTo(Sha256.of(nine));
            }
            assertThat(DataDir.blobHashes(data)).containsExactlyInAnyOrder(Sha256.of(small), Sha256.of(nine));
            assertThat(server.status().workers()).allSatisfy(w -> assertThat(w.restarts()).isZero());
        }
    }

    private static void put(ServerProcess server, Path source, String remote) throws IOException {
        try (var client = Clients.login(server, USER)) {
            Clients.put(client, source, remote);
        }
    }

    private static void assertNotFound(NetdiskClient client, String remote) {
        assertThatThrownBy(() -> client.stat(remote)).as(remote).isInstanceOfSatisfying(ServerRefusedException.class,
                e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
    }
}
