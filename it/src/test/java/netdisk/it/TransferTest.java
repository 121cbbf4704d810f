package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import netdisk.client.NetdiskClient;
import netdisk.client.ServerRefusedException;
import netdisk.client.TransferListener;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.GetRequest;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutRequest;
import netdisk.protocol.Welcome;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Uploads and downloads against a real server in process mode, logged in as a user: content, names, refusals, and
 * clients that vanish. Stored contents are checked by downloading them again; "nothing half-written" by the upload's
 * path being absent and {@code DATA/blobs/tmp} being empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransferTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String USER = "ada";

    private ServerProcess server;
    private Path data;
    private Path local;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path local) throws Exception {
        this.data = data;
        this.local = local;
        TestUsers.add(data, USER);
        server = ServerProcess.start(data, "process", "--workers", "2");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private NetdiskClient connect() throws IOException {
        return Clients.login(server, USER);
    }

    private void put(Path source, String remote) throws IOException {
        try (var client = connect()) {
            Clients.put(client, source, remote);
        }
    }

    private Path get(String remote, Path target) throws IOException {
        try (var client = connect()) {
            return Clients.get(client, remote, target);
        }
    }

    private void assertAbsent(String remote) throws IOException {
        try (var client = connect()) {
            assertThatThrownBy(() -> client.stat(remote)).as(remote).isInstanceOfSatisfying(
                    ServerRefusedException.class, e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void aFileGoesUpAndComesBackByteForByteWithItsChineseName() throws IOException {
        Path original = Sha256.randomFile(local.resolve("原文件.bin"), 37_000_123, 1);
        put(original, "/报告 2026.bin");
        try (var client = connect()) {
            var stat = client.stat("/报告 2026.bin");
            assertThat(stat.entry().name()).isEqualTo("报告 2026.bin");
            assertThat(stat.entry().size()).isEqualTo(37_000_123);
            assertThat(stat.entry().sha256()).as("the server's hash of what it stored").isEqualTo(Sha256.of(original));
        }
        Path back = get("/报告 2026.bin", local.resolve("back.bin"));
        assertThat(Sha256.of(back)).isEqualTo(Sha256.of(original));
    }

    @Test
    void emptyFilesAndSubdirectoriesWork() throws IOException {
        try (var client = connect()) {
            client.mkdir("/docs/2026", true);
        }
        Path empty = Files.createFile(local.resolve("empty"));
        put(empty, "/docs/2026/empty");
        try (var client = connect()) {
            assertThat(client.stat("/docs/2026/empty").entry().size()).isZero();
        }
        assertThat(get("/docs/2026/empty", local.resolve("empty-back"))).isEmptyFile();
    }

    @Test
    void anUploadReplacesTheOldFileOnlyWhenComplete() throws IOException {
        Path older = Files.writeString(local.resolve("older.txt"), "old");
        put(older, "/replace.txt");
        String oldBlob = Sha256.of(older);
        assertThat(DataDir.blobHashes(data)).contains(oldBlob);
        Path newer = Files.writeString(local.resolve("newer.txt"), "new content");
        put(newer, "/replace.txt");
        assertThat(get("/replace.txt", local.resolve("replaced.txt"))).hasContent("new content");
        assertThat(DataDir.blobHashes(data)).as("the replaced content is no longer stored")
                .doesNotContain(oldBlob).contains(Sha256.of(newer));
    }

    @Test
    void missingFilesAndHostilePathsAreRefusedWithClearErrors() throws IOException {
        Path some = Files.writeString(local.resolve("some.txt"), "x");
        record Case(String path, ErrorCode code) {
        }
        // the server's own files (metadata.db, blobs/..., run/...) are not in any user's tree: paths are never file
        // names on the server
        for (Case c : List.of(new Case("/missing.bin", ErrorCode.NOT_FOUND),
                new Case("../outside.txt", ErrorCode.BAD_PATH), new Case("/etc/passwd", ErrorCode.NOT_FOUND),
                new Case("metadata.db", ErrorCode.NOT_FOUND), new Case("blobs/tmp", ErrorCode.NOT_FOUND),
                new Case("a\0b", ErrorCode.BAD_PATH), new Case("x".repeat(300), ErrorCode.BAD_PATH),
                new Case("run", ErrorCode.NOT_FOUND), new Case("/", ErrorCode.IS_A_DIRECTORY))) {
            assertThatThrownBy(() -> get(c.path(), local.resolve("never"))).as(c.path())
                    .isInstanceOfSatisfying(ServerRefusedException.class, e -> assertThat(e.code()).contains(c.code()));
        }
        for (Case c : List.of(new Case("../x", ErrorCode.BAD_PATH), new Case("nodir/x", ErrorCode.NOT_FOUND),
                new Case("/", ErrorCode.IS_A_DIRECTORY), new Case("x/../../x", ErrorCode.BAD_PATH))) {
            assertThatThrownBy(() -> put(some, c.path())).as(c.path())
                    .isInstanceOfSatisfying(ServerRefusedException.class, e -> assertThat(e.code()).contains(c.code()));
        }
        assertThat(data.resolve("x")).doesNotExist();
        assertAbsent("/x");
        try (var client = connect()) {
            assertThatThrownBy(() -> client.get("missing", java.nio.channels.Channels.newChannel(
                    java.io.OutputStream.nullOutputStream()), TransferListener.NONE))
                    .isInstanceOf(ServerRefusedException.class);
            client.ping(); // a refusal does not end the session
            client.usage();
        }
    }

    @Test
    void aHalfReceivedUploadIsNeverVisibleAndAClientThatVanishesLeavesNothing() throws Exception {
        long workerPidsBefore = server.workerPids().size();
        try (var raw = Raw.open(server.port(), USER)) {
            raw.writer().write(new Frame(2, new PutRequest("half.bin", 10_000_000)));
            assertThat(raw.reader().read().message()).isEqualTo(new PutReady(0));
            raw.channel().write(ByteBuffer.allocate(4_000_000));
            await().atMost(TIMEOUT).until(() -> pendingUploads() == 1);
            assertAbsent("/half.bin");
        } // the client vanishes mid-upload
        await().atMost(TIMEOUT).until(() -> pendingUploads() == 0);
        assertAbsent("/half.bin");
        assertThat(server.workerPids()).hasSize((int) workerPidsBefore);
        server.awaitLog("the connection ended after", TIMEOUT);
        try (var client = connect()) {
            client.ping();
        }
    }

    @Test
    void aClientThatVanishesMidDownloadCostsTheServerNothing() throws Exception {
        Path big = Sparse.file(local.resolve("big-for-abort.bin"), 200_000_000);
        put(big, "/big-for-abort.bin");
        var before = server.workerPids();
        try (var raw = Raw.open(server.port(), USER)) {
            raw.writer().write(new Frame(2, new GetRequest("/big-for-abort.bin", 0)));
            assertThat(raw.reader().read()).isNotNull();
            raw.channel().read(ByteBuffer.allocate(1 << 20));
        } // gone after the first MiB
        server.awaitLog("download of /big-for-abort.bin stopped after", TIMEOUT);
        assertThat(server.workerPids()).isEqualTo(before);
        Path whole = get("/big-for-abort.bin", local.resolve("whole.bin"));
        assertThat(Sha256.of(whole)).isEqualTo(Sparse.sha256(200_000_000, ""));
    }

    @Test
    void contentSentBeforePutReadyIsAProtocolViolation() throws Exception {
        try (var raw = Raw.open(server.port(), USER)) {
            ByteBuffer both = ByteBuffer.allocate(200);
            both.put(netdisk.protocol.FrameEncoder.encode(new Frame(2, new PutRequest("eager.bin", 100))));
            both.put(new byte[100]).flip();
            raw.channel().write(both);
            assertThat(raw.reader().read()).as("closed without PutReady").isNull();
        }
        server.awaitLog("the client sent content before PutReady", TIMEOUT);
        assertThat(pendingUploads()).isZero();
        assertAbsent("/eager.bin");
    }

    private long pendingUploads() throws IOException {
        return DataDir.temporaryFiles(data).size();
    }

    /** A client written with the codec alone, to stop where the client library never would; logged in. */
    record Raw(SocketChannel channel, FrameReader reader, FrameWriter writer) implements AutoCloseable {
        static Raw open(int port, String user) throws IOException {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            var raw = new Raw(channel, new FrameReader(channel), new FrameWriter(channel));
            raw.writer.write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "raw")));
            var welcome = raw.reader.read();
            if (!(welcome.message() instanceof Welcome)) {
                throw new IOException("no welcome: " + welcome);
            }
            raw.writer.write(new Frame(1, new Login(user, Login.PASSWORD, TestUsers.PASSWORD)));
            var loggedIn = raw.reader.read();
            if (!(loggedIn.message() instanceof LoginOk)) {
                throw new IOException("not logged in: " + loggedIn);
            }
            return raw;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
