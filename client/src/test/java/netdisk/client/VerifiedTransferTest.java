package netdisk.client;

import static netdisk.client.TestContent.random;
import static netdisk.client.TestContent.sha256;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.FileInfo;
import netdisk.protocol.ProveContent.Range;
import netdisk.protocol.PutStored;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link NetdiskClient#putFile} and {@link NetdiskClient#getFile} against {@link FakeServer}: the content checked
 * against its SHA-256 both ways, instant uploads proven by hashes of ranges, and each way the server can answer.
 */
class VerifiedTransferTest {

    private static final int SIZE = 300_000;

    @TempDir
    Path local;

    private final FakeServer server = FakeServer.start().addUser("alice", "s3cret").addUser("bob", "pw");
    private final byte[] content = random(SIZE, 1);
    private final String sha256 = sha256(content);

    VerifiedTransferTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private NetdiskClient login() throws IOException {
        return TestContent.loginAsAlice(server);
    }

    /** Uploads {@code bytes} (through a local file) announcing {@code announced} as their SHA-256. */
    private PutStored putFile(NetdiskClient client, byte[] bytes, String announced, String remote,
            TransferListener listener) throws IOException {
        Path file = Files.write(local.resolve("upload.bin"), bytes);
        try (var in = FileChannel.open(file)) {
            return client.putFile(in, bytes.length, announced, remote, listener);
        }
    }

    @Test
    void newContentIsSentAndStoredAsVerified() throws Exception {
        var heard = new Heard();
        try (var client = login()) {
            PutStored stored = putFile(client, content, sha256, "/new.bin", heard);
            assertThat(stored).isEqualTo(new PutStored(SIZE, sha256, false));
        }
        assertThat(server.content("alice", "/new.bin")).isEqualTo(content);
        assertThat(server.contentReceived()).isEqualTo(1);
        assertThat(heard.size).isEqualTo(SIZE);
        assertThat(heard.offset).isZero();
        assertThat(heard.moved).hasValue(SIZE);
    }

    /** Streams {@code bytes} (through a local file): the SHA-256 is the client's own, after the content. */
    private Optional<PutResult> putStream(NetdiskClient client, byte[] bytes, String remote, TransferListener listener)
            throws IOException {
        Path file = Files.write(local.resolve("stream.bin"), bytes);
        try (var in = FileChannel.open(file)) {
            return client.putStream(in, bytes.length, remote, true, listener);
        }
    }

    @Test
    void aStreamedUploadIsHashedWhileSentAndItsHashFollowsIt() throws Exception {
        byte[] big = random(3 << 20, 7);
        var heard = new Heard();
        try (var client = login()) {
            PutResult result = putStream(client, big, "/stream.bin", heard).orElseThrow();
            assertThat(result.stored()).isEqualTo(new PutStored(big.length, sha256(big), false));
            assertThat(result.resumed()).isFalse();
        }
        assertThat(server.content("alice", "/stream.bin")).isEqualTo(big);
        assertThat(server.streamedUploads()).isEqualTo(1);
        assertThat(heard.moved).hasValue(big.length);
    }

    @Test
    void aStreamedUploadTheServerWantsHashedFirstSendsNothingAndIsLeftToPutFile() throws Exception {
        byte[] big = random(3 << 20, 8);
        try (var client = login()) {
            putStream(client, big, "/first.bin", TransferListener.NONE).orElseThrow();
            int received = server.contentReceived();
            long bytes = server.contentBytesReceived();

            assertThat(putStream(client, random(3 << 20, 9), "/same-size.bin", TransferListener.NONE))
                    .as("a stored file has this size").isEmpty();
            assertThat(putStream(client, random(1000, 9), "/small.bin", TransferListener.NONE)).as("small").isEmpty();
            assertThat(server.contentBytesReceived()).isEqualTo(bytes);
            assertThat(server.contentReceived()).isEqualTo(received);
            assertThat(client.ping()).as("the session goes on").isNotNegative();
        }
        assertThat(server.streamedUploads()).isEqualTo(1);
    }

    @Test
    void aServerOlderThanOnePointFourIsNotAskedToStream() throws Exception {
        server.speaksMinor(3);
        try (var client = login()) {
            assertThat(putStream(client, random(3 << 20, 10), "/old.bin", TransferListener.NONE)).isEmpty();
            assertThat(client.ping()).isNotNegative();
        }
        assertThat(server.contentBytesReceived()).isZero();
    }

    @Test
    void aStreamedUploadThatArrivesDamagedIsRefusedAndNothingIsStored() throws Exception {
        server.damageUploads(true);
        try (var client = login()) {
            assertThatThrownBy(() -> putStream(client, random(3 << 20, 11), "/bad.bin", TransferListener.NONE))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.TRANSFER_FAILED));
        }
        assertThat(server.exists("alice", "/bad.bin")).isFalse();
    }

    @Test
    void aStreamedUploadResumesAfterTheKeptBytesAndHashesThemOnce() throws Exception {
        byte[] big = random(3 << 20, 12);
        server.keeps("alice", "/resumed.bin", Arrays.copyOf(big, 1 << 20));
        try (var client = login()) {
            PutResult result = putStream(client, big, "/resumed.bin", TransferListener.NONE).orElseThrow();
            assertThat(result.resumedFrom()).isEqualTo(1 << 20);
            assertThat(result.stored().sha256()).isEqualTo(sha256(big));
        }
        assertThat(server.content("alice", "/resumed.bin")).isEqualTo(big);
        assertThat(server.contentBytesReceived()).isEqualTo(big.length - (1 << 20));
    }

    @Test
    void storedContentIsProvenByRangesIncludingTheLastByteAndEmptyOnesAndNotSent() throws Exception {
        server.file("bob", "/theirs.bin", content); // any user's copy counts, as on the real server
        server.proofRanges(new Range(0, 0), new Range(SIZE - 1, 1), new Range(SIZE, 0), new Range(0, SIZE),
                new Range(4096, 70_000));
        var heard = new Heard();
        try (var client = login()) {
            PutStored stored = putFile(client, content, sha256, "/copy.bin", heard);
            assertThat(stored).isEqualTo(new PutStored(SIZE, sha256, true));
            client.ping(); // in step after the proof
        }
        assertThat(server.content("alice", "/copy.bin")).isEqualTo(content);
        assertThat(server.contentReceived()).isZero();
        assertThat(heard.size).as("no transfer to show").isEqualTo(-1);
    }

    @Test
    void randomChallengesAreAnsweredEveryTime() throws Exception {
        server.file("alice", "/original.bin", content);
        try (var client = login()) {
            for (int i = 0; i < 20; i++) {
                assertThat(putFile(client, content, sha256, "/copy" + i, TransferListener.NONE).instant()).isTrue();
            }
        }
        assertThat(server.contentReceived()).isZero();
    }

    @Test
    void aClientThatHasOtherBytesCannotProveTheStoredContent() throws Exception {
        server.file("bob", "/theirs.bin", content);
        server.proofRanges(new Range(0, SIZE));
        byte[] guess = random(SIZE, 2); // the right size and hash announced, not the right bytes
        try (var client = login()) {
            assertThatThrownBy(() -> putFile(client, guess, sha256, "/stolen.bin", TransferListener.NONE))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.TRANSFER_FAILED));
            client.ping();
        }
        assertThat(server.exists("alice", "/stolen.bin")).isFalse();
        assertThat(server.contentReceived()).isZero();
    }

    @Test
    void contentThatWentAwayDuringTheProofIsSentAfterAll() throws Exception {
        server.file("alice", "/original.bin", content);
        server.contentGoesAwayDuringProofs(true);
        var heard = new Heard();
        try (var client = login()) {
            assertThat(putFile(client, content, sha256, "/again.bin", heard)).isEqualTo(
                    new PutStored(SIZE, sha256, false));
        }
        assertThat(server.content("alice", "/again.bin")).isEqualTo(content);
        assertThat(server.contentReceived()).isEqualTo(1);
        assertThat(heard.moved).hasValue(SIZE);
    }

    @Test
    void contentThatDoesNotHashToTheAnnouncedSha256IsRefusedAndNothingIsStored() throws Exception {
        try (var client = login()) {
            String other = sha256(random(SIZE, 3));
            assertThatThrownBy(() -> putFile(client, content, other, "/wrong.bin", TransferListener.NONE))
                    .isInstanceOfSatisfying(ServerRefusedException.class, e -> {
                        assertThat(e.code()).contains(ErrorCode.TRANSFER_FAILED);
                        assertThat(e.getMessage()).contains(other);
                    });
            client.ping(); // all the content went: the session goes on
            server.damageUploads(true);
            assertThatThrownBy(() -> putFile(client, content, sha256, "/damaged.bin", TransferListener.NONE))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.TRANSFER_FAILED));
        }
        assertThat(server.exists("alice", "/wrong.bin")).isFalse();
        assertThat(server.exists("alice", "/damaged.bin")).isFalse();
    }

    @Test
    void aDownloadIsVerifiedAgainstTheAnnouncedSha256() throws Exception {
        server.file("alice", "/f.bin", content);
        var out = new ByteArrayOutputStream();
        var heard = new Heard();
        try (var client = login()) {
            FileInfo info = client.getFile("/f.bin", Channels.newChannel(out), heard);
            assertThat(info).isEqualTo(new FileInfo("f.bin", SIZE, 0, sha256));
        }
        assertThat(out.toByteArray()).isEqualTo(content);
        assertThat(heard.moved).hasValue(SIZE);
    }

    @Test
    void aDamagedDownloadIsAnIntegrityExceptionNamingThePathAndBothHashes() throws Exception {
        server.file("alice", "/f.bin", content);
        server.damageDownloads(true);
        byte[] damaged = content.clone();
        damaged[0] ^= 1;
        try (var client = login()) {
            assertThatThrownBy(() -> client.getFile("/f.bin", Channels.newChannel(new ByteArrayOutputStream()),
                    TransferListener.NONE))
                    .isInstanceOfSatisfying(IntegrityException.class, e -> {
                        assertThat(e.path()).isEqualTo("/f.bin");
                        assertThat(e.expected()).isEqualTo(sha256);
                        assertThat(e.actual()).isEqualTo(sha256(damaged));
                        assertThat(e.getMessage()).contains("/f.bin", sha256, sha256(damaged));
                    });
            server.damageDownloads(false);
            var out = new ByteArrayOutputStream();
            client.getFile("/f.bin", Channels.newChannel(out), TransferListener.NONE); // the session goes on
            assertThat(out.toByteArray()).isEqualTo(content);
        }
    }

    @Test
    void aServerOlderThanOnePointTwoIsToldApartBeforeAnythingIsSent() throws Exception {
        server.speaksMinor(1);
        server.file("alice", "/f.bin", content);
        try (var client = login()) {
            assertThatThrownBy(() -> putFile(client, content, sha256, "/g.bin", TransferListener.NONE))
                    .isInstanceOf(IncompatibleServerException.class)
                    .hasMessage("the server speaks protocol 1.1, and a verified upload needs 1.2: upgrade the server");
            assertThatThrownBy(() -> client.getFile("/f.bin", Channels.newChannel(new ByteArrayOutputStream()),
                    TransferListener.NONE)).isInstanceOf(IncompatibleServerException.class);
            client.ping();
        }
        assertThat(server.contentReceived()).isZero();
    }

    @Test
    void aChallengeOutsideTheFileEndsTheSession() throws Exception {
        server.file("alice", "/original.bin", content);
        server.proofRanges(new Range(SIZE, 1));
        try (var client = login()) {
            assertThatThrownBy(() -> putFile(client, content, sha256, "/copy.bin", TransferListener.NONE))
                    .hasMessageContaining("asked to prove bytes");
            assertThat(client.isOpen()).isFalse();
        }
        assertThat(server.exists("alice", "/copy.bin")).isFalse();
    }

    @Test
    void anAnnouncedHashThatIsNoSha256IsAProgrammingError() throws Exception {
        try (var client = login()) {
            assertThatThrownBy(() -> putFile(client, content, sha256.toUpperCase(), "/f.bin", TransferListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class);
            client.ping();
        }
    }
}
