package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileInfo;
import netdisk.protocol.Frame;
import netdisk.protocol.GetFile;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutResume;
import netdisk.protocol.PutStored;
import netdisk.protocol.ResumeFrom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --stall-timeout}: a request in progress whose client stops sending (the rest of a frame, upload content) or
 * stops reading (a download) is ended once nothing has moved for that long, and the worker serves everybody else
 * meanwhile. A client that stopped sending is told TIMEOUT; an upload ended so is kept and resumes; waiting between
 * requests, or for a client hashing before it answers a resume offer, is no stall.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StallTimeoutTest {

    private static final String USER = "stella";
    private static final long MIB = 1 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ServerProcess server;
    private Path data;

    @TempDir
    Path local;

    @BeforeAll
    void start(@TempDir Path data) throws Exception {
        this.data = data;
        TestUsers.add(data, USER);
        server = ServerProcess.start(data, "process", "--workers", "1", "--stall-timeout", "1s");
    }

    @AfterAll
    void stop() throws IOException {
        server.close();
    }

    @Test
    void anUploadWhoseContentStopsComingIsToldTimeoutKeptAndResumedLater() throws Exception {
        Path source = Sha256.randomFile(local.resolve("up.bin"), 4 * MIB, 41);
        String sha256 = Sha256.of(source);
        try (var raw = RawClient.login(server, USER, 3)) {
            raw.send(new PutFile("/up.bin", 4 * MIB, sha256));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            raw.content(source, 0, 2 * MIB);
            // and nothing more, the connection left open: as a client whose network went away

            assertThat(raw.answer()).isInstanceOfSatisfying(ErrorReply.class, notice -> {
                assertThat(notice.errorCode()).contains(ErrorCode.TIMEOUT);
                assertThat(notice.message()).contains("stalled: nothing from the client for 1 s");
            });
            assertThat(raw.frameOrEnd()).as("then closed").isNull();
        }
        server.awaitLog("session ended: stalled: nothing from the client for 1 s (the connection ended after "
                + 2 * MIB + " of " + 4 * MIB + " bytes of /up.bin)", TIMEOUT);
        assertThat(DataDir.partialFiles(data)).hasSize(1);
        assertThat(Files.size(DataDir.partialFiles(data).getFirst())).isEqualTo(2 * MIB);

        try (var raw = RawClient.login(server, USER, 3)) {
            raw.send(new PutFile("/up.bin", 4 * MIB, sha256));
            String prefix = prefixSha256(source, 2 * MIB);
            assertThat(raw.answer()).isEqualTo(new PutResume(2 * MIB, prefix));
            Thread.sleep(2_500); // hashing a big prefix takes a while: this wait for the answer is no stall
            raw.send(new ResumeFrom(2 * MIB, prefix));
            assertThat(raw.answer()).isEqualTo(new PutReady(2 * MIB));
            raw.content(source, 2 * MIB, 4 * MIB);
            assertThat(raw.answer()).isEqualTo(new PutStored(4 * MIB, sha256, false));
        }
        assertThat(DataDir.partialFiles(data)).isEmpty();
        assertThat(DataDir.blobHashes(data)).contains(sha256);
    }

    @Test
    void aDownloadTheClientStopsReadingIsCutWhileTheWorkerServesOthers() throws Exception {
        Path source = Sha256.randomFile(local.resolve("down.bin"), 64 * MIB, 42);
        try (var client = Clients.login(server, USER)) {
            Clients.put(client, source, "/down.bin");
        }
        try (var raw = RawClient.login(server, USER)) {
            raw.send(new GetFile("/down.bin", 0));
            // reads nothing: the server's socket buffers fill and its sendfile waits

            server.awaitLog("session ended: cut: stalled: the client took nothing for 1 s", TIMEOUT);
            try (var other = Clients.login(server, USER)) { // the same, only worker
                Path copy = local.resolve("copy.bin");
                assertThat(Clients.getFile(other, "/down.bin", copy).sha256()).isEqualTo(Sha256.of(source));
            }

            Frame header = raw.frameOrEnd();
            assertThat(header.message()).isInstanceOf(FileInfo.class);
            assertThat(drain(raw)).as("what reached the client before the cut").isLessThan(64 * MIB);
        }
    }

    @Test
    void aFrameThatStopsHalfWayIsToldTimeout() throws Exception {
        try (var raw = RawClient.login(server, USER)) {
            raw.channel().write(ByteBuffer.wrap(new byte[] {0, 0, 0})); // a third of a frame's length

            assertThat(raw.answer()).isInstanceOfSatisfying(ErrorReply.class, notice -> {
                assertThat(notice.errorCode()).contains(ErrorCode.TIMEOUT);
                assertThat(notice.message()).contains("stalled");
            });
            assertThat(raw.frameOrEnd()).as("then closed").isNull();
        }
    }

    @Test
    void waitingBetweenRequestsLongerThanTheStallTimeoutIsNoStall() throws Exception {
        try (var raw = RawClient.login(server, USER)) {
            Thread.sleep(2_500); // the idle timeout (10 minutes) applies, not the stall timeout
            raw.send(7, new Ping(5));
            assertThat(raw.answer()).isEqualTo(new Pong(5));
        }
    }

    /** Reads what is left on the connection to its end; returns how many bytes that was. */
    private static long drain(RawClient raw) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long total = 0;
        try {
            int n;
            while ((n = raw.channel().read(buffer.clear())) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // a reset: what arrived before it counts
        }
        return total;
    }

    private static String prefixSha256(Path file, long length) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(Files.readAllBytes(file), 0, (int) length);
        return HexFormat.of().formatHex(digest.digest());
    }
}
