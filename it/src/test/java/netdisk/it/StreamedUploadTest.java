package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.HashFirst;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.ProveContent;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutHash;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutResume;
import netdisk.protocol.PutStored;
import netdisk.protocol.PutStream;
import netdisk.protocol.ResumeFrom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed uploads (protocol 1.4: {@code PutStream}, the content, then its {@code PutHash}) against the real server,
 * its workers in processes of their own: stored only when the hash after the content is the content's; a size that a
 * stored file has, or a small file, must announce its hash first ({@code HashFirst}), so that instant uploads still
 * happen; a stream that breaks off is kept and resumed without hashing the whole file first; the real client streams
 * big files and falls back by itself.
 */
class StreamedUploadTest {

    private static final long MIB = 1L << 20;
    private static final long SIZE = 4 * MIB;
    private static final String USER = "alice";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path shared;

    private static Path source;
    private static String sourceSha256;

    @TempDir
    Path data;

    @TempDir
    Path home;

    @TempDir
    Path local;

    @BeforeAll
    static void source() throws IOException {
        source = Sha256.randomFile(shared.resolve("stream.bin"), SIZE, 1_404L);
        sourceSha256 = Sha256.of(source);
    }

    @BeforeEach
    void user() throws Exception {
        TestUsers.add(data, USER);
    }

    @Test
    void aStreamIsStoredWhenTheHashAfterItsContentIsTheContents() throws Exception {
        try (var server = start(); var raw = RawClient.login(server, USER)) {
            raw.send(new PutStream("/s.bin", SIZE));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            raw.content(source, 0, SIZE);
            raw.send(new PutHash(sourceSha256));
            assertThat(raw.answer()).isEqualTo(new PutStored(SIZE, sourceSha256, false));

            try (var client = Clients.login(server, USER)) {
                assertThat(Clients.getFile(client, "/s.bin", local.resolve("s.bin")).sha256()).isEqualTo(sourceSha256);
            }
            server.awaitLog("upload of /s.bin: " + SIZE + " bytes in ", TIMEOUT);
            server.awaitLog(", streamed", TIMEOUT);
            await().atMost(TIMEOUT).until(() -> DataDir.auditLines(data).stream().anyMatch(line ->
                    line.contains(" op=put path=/s.bin result=ok bytes=" + SIZE + " instant=false")));
        }
    }

    @Test
    void aHashAfterTheContentThatIsNotItsStoresNothingAndKeepsNothing() throws Exception {
        try (var server = start(); var raw = RawClient.login(server, USER)) {
            for (String wrong : List.of("00".repeat(32), "not a hash")) {
                raw.send(new PutStream("/w.bin", SIZE));
                assertThat(raw.answer()).isEqualTo(new PutReady(0));
                raw.content(source, 0, SIZE);
                raw.send(new PutHash(wrong));
                assertThat(raw.answer()).as("after %s", wrong).isInstanceOfSatisfying(ErrorReply.class,
                        e -> assertThat(e.errorCode()).contains(ErrorCode.TRANSFER_FAILED));
            }
            raw.send(new Ping(5));
            assertThat(raw.answer()).as("the session goes on").isEqualTo(new Pong(5));
            raw.send(new PutStream("/w.bin", SIZE));
            assertThat(raw.answer()).as("nothing kept to resume").isEqualTo(new PutReady(0));
        }
        assertThat(DataDir.blobHashes(data)).doesNotContain(sourceSha256);
        assertThat(DataDir.temporaryFiles(data)).isEmpty();
    }

    @Test
    void contentOfAStoredSizeOrASmallFileMustAnnounceItsHashFirstAndMayThenBeInstant() throws Exception {
        try (var server = start(); var raw = RawClient.login(server, USER)) {
            raw.send(new PutStream("/first.bin", SIZE));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            raw.content(source, 0, SIZE);
            raw.send(new PutHash(sourceSha256));
            assertThat(raw.answer()).isEqualTo(new PutStored(SIZE, sourceSha256, false));

            raw.send(2, new PutStream("/second.bin", SIZE));
            assertThat(raw.answer()).as("a stored file has this size").isEqualTo(new HashFirst());
            raw.send(3, new PutStream("/small.bin", MIB - 1));
            assertThat(raw.answer()).as("too small to stream").isEqualTo(new HashFirst());
            raw.send(4, new PutStream("/missing/dir/x.bin", 2 * SIZE));
            assertThat(raw.answer()).as("refusals come first").isInstanceOfSatisfying(ErrorReply.class,
                    e -> assertThat(e.errorCode()).contains(ErrorCode.NOT_FOUND));

            raw.send(5, new PutStream("/third.bin", SIZE + 1));
            assertThat(raw.answer()).as("another size").isEqualTo(new PutReady(0));
            raw.content(source, 0, SIZE);
            raw.content((byte) 7, 1);
            raw.send(5, new PutHash(Sha256.of(Files.readAllBytes(source), new byte[] {7})));
            assertThat(raw.answer()).isInstanceOf(PutStored.class);

            raw.send(6, new PutFile("/second.bin", SIZE, sourceSha256));
            assertThat(raw.answer()).as("the same content: instant, after a proof").isInstanceOf(ProveContent.class);
        }
    }

    @Test
    void aStreamThatBrokeOffIsKeptAndResumedWithoutHashingTheWholeFileFirst() throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        try (var server = start()) {
            int aborted = abortedPuts();
            try (var raw = RawClient.login(server, USER)) {
                raw.send(new PutStream("/r.bin", SIZE));
                assertThat(raw.answer()).isEqualTo(new PutReady(0));
                raw.content(source, 0, 2 * MIB);
            }
            await().atMost(TIMEOUT).until(() -> abortedPuts() > aborted);
            assertThat(DataDir.partialFiles(data)).hasSize(1);
            assertThat(Files.size(DataDir.partialFiles(data).getFirst())).isEqualTo(2 * MIB);

            String prefix = Sha256.of(Arrays.copyOf(bytes, (int) (2 * MIB)));
            try (var raw = RawClient.login(server, USER)) {
                raw.send(new PutStream("/r.bin", SIZE));
                assertThat(raw.answer()).isEqualTo(new PutResume(2 * MIB, prefix));
                raw.send(new ResumeFrom(2 * MIB, prefix));
                assertThat(raw.answer()).isEqualTo(new PutReady(2 * MIB));
                raw.content(source, 2 * MIB, SIZE);
                raw.send(new PutHash(sourceSha256));
                assertThat(raw.answer()).isEqualTo(new PutStored(SIZE, sourceSha256, false));
            }
            server.awaitLog("upload of /r.bin: " + (SIZE - 2 * MIB) + " bytes in ", TIMEOUT);
            assertThat(DataDir.partialFiles(data)).isEmpty();
            try (var client = Clients.login(server, USER)) {
                assertThat(Clients.getFile(client, "/r.bin", local.resolve("r.bin")).sha256()).isEqualTo(sourceSha256);
            }
        }
    }

    @Test
    void anythingButItsPutHashAfterTheContentBreaksTheProtocol() throws Exception {
        try (var server = start(); var raw = RawClient.login(server, USER)) {
            raw.send(new PutStream("/p.bin", SIZE));
            assertThat(raw.answer()).isEqualTo(new PutReady(0));
            raw.content(source, 0, SIZE);
            raw.send(2, new PutHash(sourceSha256)); // another request's id
            assertThat(raw.answer()).isInstanceOfSatisfying(ErrorReply.class,
                    e -> assertThat(e.errorCode()).contains(ErrorCode.PROTOCOL_ERROR));
            assertThat(raw.frameOrEnd()).as("the session ends").isNull();
        }
        assertThat(DataDir.blobHashes(data)).doesNotContain(sourceSha256);
    }

    @Test
    void theClientStreamsBigFilesAndHashesFirstWhereTheServerAsks() throws Exception {
        long big = 17 * MIB; // over the client's threshold for streaming
        Path first = Sha256.randomFile(local.resolve("first.bin"), big, 1);
        Path second = Sha256.randomFile(local.resolve("second.bin"), big, 2);
        try (var server = start()) {
            var streamed = put(server, first, "/first.bin");
            assertThat(streamed.exitCode()).as(streamed.output()).isZero();
            assertThat(streamed.output()).contains("put: " + first + " -> /first.bin (17.0 MiB)\n");
            server.awaitLog("upload of /first.bin: " + big + " bytes in ", TIMEOUT);

            var sameSize = put(server, second, "/second.bin");
            assertThat(sameSize.exitCode()).as(sameSize.output()).isZero();
            assertThat(sameSize.output()).contains("put: " + second + " -> /second.bin (17.0 MiB)\n");

            var copy = put(server, first, "/copy.bin");
            assertThat(copy.exitCode()).as(copy.output()).isZero();
            assertThat(copy.output()).contains("put: " + first + " -> /copy.bin (17.0 MiB, instant)\n");

            assertThat(server.log().stream().filter(line -> line.endsWith(", streamed"))).hasSize(1);
            try (var client = Clients.login(server, USER)) {
                for (var file : Map.of("/first.bin", first, "/second.bin", second, "/copy.bin", first).entrySet()) {
                    assertThat(Clients.getFile(client, file.getKey(), local.resolve("back.bin")).sha256())
                            .isEqualTo(Sha256.of(file.getValue()));
                    Files.delete(local.resolve("back.bin"));
                }
            }
        }
    }

    private ServerProcess start() throws IOException {
        return ServerProcess.start(data, "process", "--workers", "1");
    }

    private Cli.Result put(ServerProcess server, Path file, String remote) throws Exception {
        return Cli.client(Map.of("XDG_CONFIG_HOME", home.toString(), "NETDISK_PASSWORD", TestUsers.PASSWORD),
                "--port", Integer.toString(server.port()), "--user", USER, "put", file.toString(), remote);
    }

    private int abortedPuts() throws IOException {
        return (int) DataDir.auditLines(data).stream()
                .filter(line -> line.contains(" op=put ") && line.contains(" result=aborted")).count();
    }
}
