package netdisk.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import netdisk.protocol.ContentProof;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Message;
import netdisk.protocol.ProveContent;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutStored;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Uploads and downloads verified end to end with SHA-256 (protocol 1.2), against the real server: content the server
 * stores already is added at once, without its bytes (instant upload), but only for a client that proves it has
 * them; content that does not match its announced SHA-256 leaves nothing behind, neither a file, nor a blob, nor a
 * temporary file.
 */
class IntegrityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int SIZE = 3_000_000;

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void theSecondUploadOfAContentIsInstantAddsNoBlobAndBothFilesRead() throws Exception {
        TestUsers.add(data, "alice");
        Path content = Sha256.randomFile(local.resolve("content.bin"), SIZE, 31);
        String sha = Sha256.of(content);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var alice = Clients.login(server, "alice")) {
            assertThat(Clients.putFile(alice, content, "/first.bin")).isEqualTo(new PutStored(SIZE, sha, false));
            assertThat(DataDir.blobHashes(data)).containsExactly(sha);

            assertThat(Clients.putFile(alice, content, "/second.bin")).isEqualTo(new PutStored(SIZE, sha, true));
            assertThat(DataDir.blobHashes(data)).as("no new blob").containsExactly(sha);
            assertThat(DataDir.temporaryFiles(data)).isEmpty();
            for (String path : List.of("/first.bin", "/second.bin")) {
                Path copy = local.resolve("copy.bin");
                assertThat(Clients.getFile(alice, path, copy).sha256()).isEqualTo(sha);
                assertThat(copy).hasSameBinaryContentAs(content);
            }
            assertThat(alice.usage().used()).as("each file counts in full").isEqualTo(2L * SIZE);
        }
    }

    @Test
    void anotherUsersUploadOfStoredContentIsInstantToo() throws Exception {
        TestUsers.add(data, "alice", "bob");
        Path content = Sha256.randomFile(local.resolve("content.bin"), SIZE, 32);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var alice = Clients.login(server, "alice");
             var bob = Clients.login(server, "bob")) {
            assertThat(Clients.putFile(alice, content, "/a.bin").instant()).isFalse();
            assertThat(Clients.putFile(bob, content, "/b.bin").instant()).isTrue();
            assertThat(Clients.sha256(bob, "/b.bin")).isEqualTo(Sha256.of(content));
            assertThat(DataDir.blobHashes(data)).hasSize(1);
        }
    }

    @Test
    void aClientThatKnowsOnlyTheSha256AndSizeCannotProveTheContent() throws Exception {
        TestUsers.add(data, "alice", "mallory");
        Path content = Sha256.randomFile(local.resolve("secret.bin"), SIZE, 33);
        String sha = Sha256.of(content);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var alice = Clients.login(server, "alice")) {
            Clients.putFile(alice, content, "/secret.bin");
            try (var mallory = RawClient.login(server, "mallory")) {
                mallory.send(new PutFile("/stolen.bin", SIZE, sha));
                Message challenge = mallory.answer();
                assertThat(challenge).as("the content is stored: a proof is asked for")
                        .isInstanceOf(ProveContent.class);
                List<String> guesses = new ArrayList<>();
                for (int i = 0; i < ((ProveContent) challenge).ranges().size(); i++) {
                    guesses.add(sha); // the only hash mallory knows
                }
                mallory.send(new ContentProof(guesses));
                assertThat(mallory.answer()).isInstanceOfSatisfying(ErrorReply.class,
                        e -> assertThat(e.errorCode()).contains(ErrorCode.TRANSFER_FAILED));
            }
            try (var mallory = Clients.login(server, "mallory")) {
                refused("the file that was not proven", () -> mallory.stat("/stolen.bin"), ErrorCode.NOT_FOUND);
                assertThat(mallory.usage().files()).isZero();
            }
            assertThat(DataDir.blobHashes(data)).containsExactly(sha);
            assertThat(Clients.sha256(alice, "/secret.bin")).isEqualTo(sha);
        }
    }

    @Test
    void contentThatDoesNotMatchItsAnnouncedSha256LeavesNothing() throws Exception {
        TestUsers.add(data, "alice");
        Path content = Sha256.randomFile(local.resolve("content.bin"), SIZE, 34);
        String announced = Sha256.of(Sha256.randomFile(local.resolve("other.bin"), SIZE, 35));
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            try (var raw = RawClient.login(server, "alice")) {
                raw.send(new PutFile("/wrong.bin", SIZE, announced));
                assertThat(raw.answer()).isEqualTo(new PutReady(0));
                raw.content(content, 0, SIZE);
                assertThat(raw.answer()).isInstanceOfSatisfying(ErrorReply.class,
                        e -> assertThat(e.errorCode()).contains(ErrorCode.TRANSFER_FAILED));
            }
            try (var alice = Clients.login(server, "alice")) {
                refused("the file that did not match", () -> alice.stat("/wrong.bin"), ErrorCode.NOT_FOUND);
                assertThat(alice.list("/")).isEmpty();
            }
            assertThat(DataDir.blobFiles(data)).isEmpty();
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(DataDir.temporaryFiles(data)).isEmpty());
        }
    }

    @Test
    void theCommandLineSaysInstantForTheSecondCopyAndGetVerifies(@TempDir Path home) throws Exception {
        TestUsers.add(data, "alice");
        Path content = Sha256.randomFile(local.resolve("数据.bin"), SIZE, 36);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            String port = Integer.toString(server.port());
            var environment = Map.of("XDG_CONFIG_HOME", home.toString(), "NETDISK_PASSWORD", TestUsers.PASSWORD);
            var login = Cli.client(environment, "--port", port, "--user", "alice", "login");
            assertThat(login.exitCode()).as(login.output()).isZero();

            var first = Cli.client(environment, "--port", port, "put", content.toString(), "/a.bin");
            assertThat(first.exitCode()).as(first.output()).isZero();
            assertThat(first.output()).contains("put: " + content + " -> /a.bin (2.86 MiB)\n");
            var second = Cli.client(environment, "--port", port, "put", content.toString(), "/b.bin");
            assertThat(second.exitCode()).as(second.output()).isZero();
            assertThat(second.output()).contains("put: " + content + " -> /b.bin (2.86 MiB, instant)\n");
            assertThat(DataDir.blobHashes(data)).containsExactly(Sha256.of(content));

            Path copy = local.resolve("copy.bin");
            var get = Cli.client(environment, "--port", port, "get", "-q", "/b.bin", copy.toString());
            assertThat(get.exitCode()).as(get.output()).isZero();
            assertThat(copy).hasSameBinaryContentAs(content);
        }
    }
}
