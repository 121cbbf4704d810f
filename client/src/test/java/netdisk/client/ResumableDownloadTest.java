package netdisk.client;

import static netdisk.client.TestContent.random;
import static netdisk.client.TestContent.sha256;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ResumableDownload} against {@link FakeServer}: an interrupted download leaves its partial file and the next
 * one appends the rest; a partial file that is not a prefix of the file, a server that resumes nothing or claims a
 * prefix it hashes otherwise, and a server older than 1.3 all end with the whole file downloaded again; a file that
 * does not match its SHA-256 deletes the partial file; a refusal deletes only a partial file it created; two downloads
 * into one target do not share it.
 */
class ResumableDownloadTest {

    private static final int SIZE = 1_000_000;
    private static final int CUT = 300_000;

    @TempDir
    Path local;

    private final FakeServer server = FakeServer.start().addUser("alice", "s3cret");
    private final byte[] content = random(SIZE, 7);

    ResumableDownloadTest() throws IOException {
        server.file("alice", "/f.bin", content);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private NetdiskClient login() throws IOException {
        return TestContent.loginAsAlice(server);
    }

    private Path target() {
        return local.resolve("f.bin");
    }

    private Path partial() {
        return local.resolve(".f.bin.netdisk-part");
    }

    /** Downloads /f.bin into the target over a new connection. */
    private ResumableDownload.Result download(ResumableDownload download, TransferListener listener)
            throws IOException {
        try (var client = login()) {
            return download.download(client, "/f.bin", listener);
        }
    }

    private ResumableDownload.Result download() throws IOException {
        return download(ResumableDownload.into(target()), TransferListener.NONE);
    }

    private void assertDownloaded() throws IOException {
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
        assertThat(partial()).doesNotExist();
    }

    @Test
    void thePartialFileIsNamedAfterItsTargetAndLivesBesideIt() {
        ResumableDownload download = ResumableDownload.into(local.resolve("big.iso"));
        assertThat(download.partial()).isEqualTo(local.resolve(".big.iso.netdisk-part"));
        assertThat(ResumableDownload.partialFor(local.resolve("数据 1.bin")))
                .isEqualTo(local.resolve(".数据 1.bin.netdisk-part"));
    }

    @Test
    void aFirstDownloadComesWholeThroughThePartialFile() throws Exception {
        var heard = new Heard();
        ResumableDownload.Result result = download(ResumableDownload.into(target()), heard);
        assertThat(result).isEqualTo(new ResumableDownload.Result("f.bin", SIZE, sha256(content), 0));
        assertThat(result.resumed()).isFalse();
        assertDownloaded();
        assertThat(heard.offset).isZero();
        assertThat(heard.moved).hasValue(SIZE);
        assertThat(server.resumedFrom()).containsExactly(0L);
    }

    @Test
    void anInterruptedDownloadLeavesItsPartialFileAndTheNextOneAppendsOnlyTheRest() throws Exception {
        server.cutDownloadsAt(CUT);
        assertThatThrownBy(this::download).isInstanceOf(TransferInterruptedException.class);
        assertThat(target()).doesNotExist();
        assertThat(Files.readAllBytes(partial())).isEqualTo(Arrays.copyOf(content, CUT));

        server.cutDownloadsAt(-1);
        var heard = new Heard();
        ResumableDownload.Result result = download(ResumableDownload.into(target()), heard);
        assertThat(result.resumedFrom()).isEqualTo(CUT);
        assertThat(result.resumed()).isTrue();
        assertThat(heard.size).isEqualTo(SIZE);
        assertThat(heard.offset).as("the bar starts where the partial file ends").isEqualTo(CUT);
        assertThat(heard.moved).as("only the rest moved").hasValue(SIZE - CUT);
        assertThat(server.resumedFrom()).containsExactly(0L, (long) CUT);
        assertDownloaded();
    }

    @Test
    void aResumeHashesThePartialFileThroughTheGivenProgressWhichMayStopIt() throws Exception {
        Files.write(partial(), Arrays.copyOf(content, CUT));
        var hashed = new AtomicLong();
        download(ResumableDownload.into(target()).hashing(hashed::addAndGet), TransferListener.NONE);
        assertThat(hashed).hasValue(CUT);
        assertDownloaded();

        Files.write(partial(), Arrays.copyOf(content, CUT));
        var stopping = ResumableDownload.into(target()).hashing(bytes -> {
            throw new IOException("stopped");
        });
        assertThatThrownBy(() -> download(stopping, TransferListener.NONE)).hasMessage("stopped");
        assertThat(Files.readAllBytes(partial())).as("kept").isEqualTo(Arrays.copyOf(content, CUT));
    }

    @Test
    void aPartialFileThatIsNotAPrefixOfTheFileIsReplacedByTheWholeFile() throws Exception {
        byte[] other = Arrays.copyOf(content, CUT);
        other[CUT / 2] ^= 1;
        Files.write(partial(), other);
        ResumableDownload.Result result = download();
        assertThat(result.resumedFrom()).isZero();
        assertThat(server.resumedFrom()).containsExactly(0L);
        assertDownloaded();
    }

    @Test
    void aPartialFileLongerThanTheFileIsReplacedByTheWholeFile() throws Exception {
        byte[] longer = Arrays.copyOf(content, SIZE + 10);
        Files.write(partial(), longer);
        assertThat(download().resumedFrom()).isZero();
        assertDownloaded();
    }

    @Test
    void aServerThatAnswersFromByteZeroGetsThePartialFileEmptiedFirst() throws Exception {
        Files.write(partial(), Arrays.copyOf(content, CUT));
        server.resumesNothing(true);
        var heard = new Heard();
        assertThat(download(ResumableDownload.into(target()), heard).resumedFrom()).isZero();
        assertThat(heard.offset).isZero();
        assertThat(heard.moved).hasValue(SIZE);
        assertDownloaded();
    }

    @Test
    void aServerWhosePrefixHashDiffersIsNotTrustedAndTheWholeFileComesOnTheSameConnection() throws Exception {
        Files.write(partial(), Arrays.copyOf(content, CUT));
        server.wrongPrefixHashes(true);
        var heard = new Heard();
        try (var client = login()) {
            ResumableDownload.Result result = ResumableDownload.into(target()).download(client, "/f.bin", heard);
            assertThat(result.resumedFrom()).isZero();
            client.ping(); // the unusable rest was read: the session is in step
        }
        assertThat(server.resumedFrom()).containsExactly((long) CUT, 0L);
        assertThat(heard.offset).isZero();
        assertThat(heard.moved).hasValue(SIZE);
        assertDownloaded();
    }

    @Test
    void aCompletePartialFileNeedsNoContent() throws Exception {
        Files.write(partial(), content);
        var heard = new Heard();
        assertThat(download(ResumableDownload.into(target()), heard).resumedFrom()).isEqualTo(SIZE);
        assertThat(heard.moved).hasValue(0);
        assertDownloaded();
    }

    @Test
    void withoutResumeAnExistingPartialFileIsEmptiedAndTheWholeFileComes() throws Exception {
        Files.write(partial(), Arrays.copyOf(content, CUT));
        ResumableDownload.Result result = download(ResumableDownload.into(target()).resume(false),
                TransferListener.NONE);
        assertThat(result.resumedFrom()).isZero();
        assertThat(server.resumedFrom()).containsExactly(0L);
        assertDownloaded();
    }

    @Test
    void aResumedFileThatDoesNotMatchItsSha256DeletesThePartialFileAndKeepsTheTarget() throws Exception {
        Files.writeString(target(), "an older copy");
        Files.write(partial(), Arrays.copyOf(content, CUT));
        server.damageDownloads(true);
        try (var client = login()) {
            assertThatThrownBy(() -> ResumableDownload.into(target()).download(client, "/f.bin",
                    TransferListener.NONE))
                    .isInstanceOfSatisfying(IntegrityException.class,
                            e -> assertThat(e.expected()).isEqualTo(sha256(content)));
            client.ping();
        }
        assertThat(server.resumedFrom()).containsExactly((long) CUT);
        assertThat(partial()).doesNotExist();
        assertThat(target()).hasContent("an older copy");
    }

    @Test
    void aRefusalDeletesOnlyAPartialFileItCreated() throws Exception {
        try (var client = login()) {
            var missing = ResumableDownload.into(local.resolve("missing.bin"));
            assertThatThrownBy(() -> missing.download(client, "/missing.bin", TransferListener.NONE))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.NOT_FOUND));
            assertThat(missing.partial()).doesNotExist();

            Files.write(partial(), Arrays.copyOf(content, CUT));
            server.directory("alice", "/dir");
            assertThatThrownBy(() -> ResumableDownload.into(target()).download(client, "/dir",
                    TransferListener.NONE))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.IS_A_DIRECTORY));
        }
        assertThat(Files.readAllBytes(partial())).isEqualTo(Arrays.copyOf(content, CUT));
        try (var files = Files.list(local)) {
            assertThat(files).containsExactly(partial());
        }
    }

    @Test
    void aSecondDownloadIntoTheSameTargetFailsAtOnceAndTheFirstEndsWhole() throws Exception {
        server.slowTransfers(5); // 64 KiB every 5 ms: the first download takes ~80 ms and more
        CompletableFuture<ResumableDownload.Result> first = CompletableFuture.supplyAsync(() -> {
            try {
                return download();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(partial()) || Files.size(partial()) == 0) {
            assertThat(System.nanoTime()).as("the first download started").isLessThan(deadline);
            Thread.sleep(1);
        }
        assertThatThrownBy(this::download)
                .isInstanceOf(LocalTargetException.class)
                .hasMessage("another download into " + target() + " is running (its partial file " + partial()
                        + " is locked)");
        assertThat(first.get(20, TimeUnit.SECONDS).resumedFrom()).isZero();
        assertDownloaded();
        assertThat(server.resumedFrom()).as("the second never asked").containsExactly(0L);
    }

    @Test
    void aServerOlderThanOnePointThreeSendsTheWholeFileOverThePartialFile() throws Exception {
        server.speaksMinor(2);
        Files.write(partial(), Arrays.copyOf(content, CUT));
        try (var client = login()) {
            assertThat(client.resumesDownloads()).isFalse();
            assertThat(ResumableDownload.into(target()).download(client, "/f.bin", TransferListener.NONE)
                    .resumedFrom()).isZero();
            try (var out = FileChannel.open(local.resolve("other"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                assertThatThrownBy(() -> client.getFileFrom("/f.bin", out, ContentHash.newDigest(),
                        TransferListener.NONE))
                        .isInstanceOf(IncompatibleServerException.class);
            }
        }
        assertThat(partial()).doesNotExist();
        assertThat(server.resumedFrom()).isEmpty();
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void aServerThatSaysOnePointThreeButRefusesGetFromSendsTheWholeFile() throws Exception {
        server.refusesGetFrom(true);
        Files.write(partial(), Arrays.copyOf(content, CUT));
        var heard = new Heard();
        assertThat(download(ResumableDownload.into(target()), heard).resumedFrom()).isZero();
        assertThat(heard.moved).hasValue(SIZE);
        assertDownloaded();
    }

    @Test
    void aMissingDirectoryIsALocalProblem() {
        var nowhere = ResumableDownload.into(local.resolve("no/such/dir/f.bin"));
        assertThatThrownBy(() -> download(nowhere, TransferListener.NONE))
                .isInstanceOf(LocalTargetException.class)
                .hasMessage("no such directory: " + local.resolve("no/such/dir"));
        assertThat(server.resumedFrom()).isEmpty();
    }

    @Test
    void anEmptyFileIsDownloadedToo() throws Exception {
        server.file("alice", "/empty", new byte[0]);
        try (var client = login()) {
            var result = ResumableDownload.into(local.resolve("empty")).download(client, "/empty",
                    TransferListener.NONE);
            assertThat(result.size()).isZero();
        }
        assertThat(local.resolve("empty")).isEmptyFile();
        try (var files = Files.list(local)) {
            assertThat(files.map(Path::getFileName).map(Path::toString).toList()).isEqualTo(List.of("empty"));
        }
    }
}
