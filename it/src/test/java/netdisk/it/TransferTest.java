package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

/** Uploads and downloads against a real server in process mode: content, names, refusals, and clients that vanish. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransferTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ServerProcess server;
    private Path data;
    private Path files;
    private Path local;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path local) throws IOException {
        this.data = data;
        this.local = local;
        server = ServerProcess.start(data, "process", "--workers", "2");
        files = data.resolve("files");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private NetdiskClient connect() throws IOException {
        return NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);
    }

    private void put(Path source, String remote) throws IOException {
        try (var client = connect(); var in = FileChannel.open(source)) {
            client.put(in, in.size(), remote, TransferListener.NONE);
        }
    }

    private Path get(String remote, Path target) throws IOException {
        try (var client = connect(); var out = FileChannel.open(target, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            client.get(remote, out, TransferListener.NONE);
        }
        return target;
    }

    @Test
    void aFileGoesUpAndComesBackByteForByteWithItsChineseName() throws IOException {
        Path original = Sha256.randomFile(local.resolve("原文件.bin"), 37_000_123, 1);
        put(original, "报告 2026.bin");
        assertThat(Sha256.of(files.resolve("报告 2026.bin"))).isEqualTo(Sha256.of(original));
        Path back = get("报告 2026.bin", local.resolve("back.bin"));
        assertThat(Sha256.of(back)).isEqualTo(Sha256.of(original));
    }

    @Test
    void emptyFilesAndSubdirectoriesWork() throws IOException {
        Files.createDirectories(files.resolve("docs/2026"));
        Path empty = Files.createFile(local.resolve("empty"));
        put(empty, "docs/2026/empty");
        assertThat(files.resolve("docs/2026/empty")).isEmptyFile();
        assertThat(get("docs/2026/empty", local.resolve("empty-back"))).isEmptyFile();
    }

    @Test
    void anUploadReplacesTheOldFileOnlyWhenComplete() throws IOException {
        Files.writeString(files.resolve("replace.txt"), "old");
        Path newer = Files.writeString(local.resolve("newer.txt"), "new content");
        put(newer, "replace.txt");
        assertThat(files.resolve("replace.txt")).hasContent("new content");
    }

    @Test
    void missingFilesAndHostilePathsAreRefusedWithClearErrors() throws IOException {
        Files.writeString(data.resolve("outside.txt"), "not served");
        Files.createSymbolicLink(files.resolve("escape"), data.resolve("outside.txt"));
        Path some = Files.writeString(local.resolve("some.txt"), "x");
        record Case(String path, ErrorCode code) {
        }
        for (Case c : List.of(new Case("missing.bin", ErrorCode.NOT_FOUND), new Case("../outside.txt", ErrorCode.BAD_PATH),
                new Case("/etc/passwd", ErrorCode.BAD_PATH), new Case("escape", ErrorCode.BAD_PATH),
                new Case("a\0b", ErrorCode.BAD_PATH), new Case("x".repeat(300), ErrorCode.BAD_PATH),
                new Case("run", ErrorCode.NOT_FOUND))) {
            assertThatThrownBy(() -> get(c.path(), local.resolve("never"))).as(c.path())
                    .isInstanceOfSatisfying(ServerRefusedException.class, e -> assertThat(e.code()).contains(c.code()));
        }
        for (Case c : List.of(new Case("../x", ErrorCode.BAD_PATH), new Case("nodir/x", ErrorCode.NOT_FOUND),
                new Case("escape", ErrorCode.BAD_PATH))) {
            assertThatThrownBy(() -> put(some, c.path())).as(c.path())
                    .isInstanceOfSatisfying(ServerRefusedException.class, e -> assertThat(e.code()).contains(c.code()));
        }
        assertThat(data.resolve("outside.txt")).hasContent("not served");
        assertThat(data.resolve("x")).doesNotExist();
        try (var client = connect()) {
            assertThatThrownBy(() -> client.get("missing", java.nio.channels.Channels.newChannel(
                    java.io.OutputStream.nullOutputStream()), TransferListener.NONE))
                    .isInstanceOf(ServerRefusedException.class);
            client.ping(); // a refusal does not end the session
        }
    }

    @Test
    void aHalfReceivedUploadIsNeverVisibleAndAClientThatVanishesLeavesNothing() throws Exception {
        long workerPidsBefore = server.workerPids().size();
        try (var raw = Raw.open(server.port())) {
            raw.writer().write(new Frame(2, new PutRequest("half.bin", 10_000_000)));
            assertThat(raw.reader().read().message()).isEqualTo(new PutReady(0));
            raw.channel().write(ByteBuffer.allocate(4_000_000));
            await().atMost(TIMEOUT).until(() -> pendingUploads() == 1);
            assertThat(files.resolve("half.bin")).doesNotExist();
        } // the client vanishes mid-upload
        await().atMost(TIMEOUT).until(() -> pendingUploads() == 0);
        assertThat(files.resolve("half.bin")).doesNotExist();
        assertThat(server.workerPids()).hasSize((int) workerPidsBefore);
        server.awaitLog("the client left after", TIMEOUT);
        try (var client = connect()) {
            client.ping();
        }
    }

    @Test
    void aClientThatVanishesMidDownloadCostsTheServerNothing() throws Exception {
        Sha256.randomFile(files.resolve("big-for-abort.bin"), 200_000_000, 2);
        var before = server.workerPids();
        try (var raw = Raw.open(server.port())) {
            raw.writer().write(new Frame(2, new GetRequest("big-for-abort.bin", 0)));
            assertThat(raw.reader().read()).isNotNull();
            raw.channel().read(ByteBuffer.allocate(1 << 20));
        } // gone after the first MiB
        server.awaitLog("download of big-for-abort.bin stopped after", TIMEOUT);
        assertThat(server.workerPids()).isEqualTo(before);
        Path whole = get("big-for-abort.bin", local.resolve("whole.bin"));
        assertThat(Sha256.of(whole)).isEqualTo(Sha256.of(files.resolve("big-for-abort.bin")));
    }

    @Test
    void contentSentBeforePutReadyIsAProtocolViolation() throws Exception {
        try (var raw = Raw.open(server.port())) {
            ByteBuffer both = ByteBuffer.allocate(200);
            both.put(netdisk.protocol.FrameEncoder.encode(new Frame(2, new PutRequest("eager.bin", 100))));
            both.put(new byte[100]).flip();
            raw.channel().write(both);
            assertThat(raw.reader().read()).as("closed without PutReady").isNull();
        }
        server.awaitLog("the client sent content before PutReady", TIMEOUT);
        assertThat(pendingUploads()).isZero();
        assertThat(files.resolve("eager.bin")).doesNotExist();
    }

    private long pendingUploads() throws IOException {
        try (var list = Files.list(data.resolve("tmp/uploads"))) {
            return list.count();
        }
    }

    /** A client written with the codec alone, to stop where the client library never would. */
    record Raw(SocketChannel channel, FrameReader reader, FrameWriter writer) implements AutoCloseable {
        static Raw open(int port) throws IOException {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            var raw = new Raw(channel, new FrameReader(channel), new FrameWriter(channel));
            raw.writer.write(new Frame(1, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR, "raw")));
            var welcome = raw.reader.read();
            if (!(welcome.message() instanceof Welcome)) {
                throw new IOException("no welcome: " + welcome);
            }
            return raw;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
