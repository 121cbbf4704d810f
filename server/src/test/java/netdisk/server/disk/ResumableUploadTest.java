package netdisk.server.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ResumeFrom;
import netdisk.protocol.Sha256;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.Name;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.User;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Disk#beginResumableUpload}: what a broken-off upload keeps, when it is offered again, and that the offer is
 * taken only with the same bytes, through the real blob store and metadata on a temporary directory.
 */
class ResumableUploadTest {

    private static final int SIZE = 3 << 20;
    private static final int KEPT = 2 << 20;

    @TempDir
    Path data;

    private JdbcMetadataStore metadata;
    private HikariDataSource database;
    private UnfinishedUploads rows;
    private FileBlobStore blobs;
    private Disk disk;
    private User alice;
    private final byte[] content = random(SIZE, 1);
    private final String sha256 = sha256(content, SIZE);
    /** What the offers said, as (offset, prefix SHA-256). */
    private final List<String> offers = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        metadata = JdbcMetadataStore.openSqlite(data);
        database = MetadataDatabase.connectSqlite(data);
        rows = new UnfinishedUploads(database, Clock.systemUTC());
        blobs = FileBlobStore.open(data);
        disk = Disk.open(metadata, rows, blobs, data);
        alice = metadata.createUser(Name.of("alice"), "hash", OptionalLong.empty());
    }

    @AfterEach
    void close() throws IOException {
        disk.close();
        database.close();
        metadata.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes, int length) {
        var digest = Sha256.newDigest();
        digest.update(bytes, 0, length);
        return Sha256.hex(digest.digest());
    }

    /** A client that takes any offer of bytes it has: its own prefix's hash, compared. */
    private ResumeOffer clientWith(byte[] local) {
        return (offset, prefix) -> {
            offers.add(offset + " " + prefix);
            String own = sha256(local, (int) offset);
            return own.equals(prefix) ? new ResumeFrom(offset, own) : new ResumeFrom(0, "");
        };
    }

    private static final ResumeOffer NEVER_ASKED = (offset, prefix) -> {
        throw new AssertionError("no offer was expected, got " + offset);
    };

    /** An upload of {@code bytes} announced as {@link #sha256}, which breaks off after byte {@code to}. */
    private void breakOff(byte[] bytes, int to, ResumeOffer offer) throws Exception {
        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256, offer)) {
            write(upload, bytes, (int) upload.offset(), to);
            upload.keepForResume();
        }
    }

    private static void write(Upload upload, byte[] bytes, int from, int to) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, from, to - from);
        while (buffer.hasRemaining()) {
            upload.content().write(buffer);
        }
    }

    private List<Path> partialFiles() throws IOException {
        try (Stream<Path> files = Files.list(blobs.partials().directory())) {
            return files.toList();
        }
    }

    private byte[] stored() throws Exception {
        try (var channel = disk.openForDownload(alice, DiskPath.parse("/big.bin")).content()) {
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // the whole file
            }
            return buffer.array();
        }
    }

    @Test
    void keptUploadsStayWithinWhatTheQuotaLeaves() throws Exception {
        User bob = metadata.createUser(Name.of("bob"), "hash", OptionalLong.of(4L << 20));
        byte[] other = random(SIZE, 2);
        for (String path : List.of("/a.bin", "/b.bin")) {
            byte[] bytes = path.equals("/a.bin") ? content : other;
            try (Upload upload = disk.beginResumableUpload(bob, DiskPath.parse(path), SIZE, sha256(bytes, SIZE),
                    NEVER_ASKED)) {
                write(upload, bytes, 0, KEPT);
                upload.keepForResume();
            }
        }
        // /a.bin: 2 MiB kept of the 4 MiB the quota leaves; /b.bin: its 2 MiB and /a.bin's 3 MiB to come do not fit
        assertThat(partialFiles()).hasSize(1);
        try (Upload upload = disk.beginResumableUpload(bob, DiskPath.parse("/a.bin"), SIZE, sha256,
                clientWith(content))) {
            assertThat(upload.offset()).as("the kept one still resumes").isEqualTo(KEPT);
            upload.keepForResume();
        }

        breakOff(content, KEPT, NEVER_ASKED); // alice has no quota: kept whatever bob holds
        assertThat(partialFiles()).hasSize(2);
    }

    @Test
    void anUploadThatBrokeOffGoesOnAfterItsBytesWhenTheClientHasTheSame() throws Exception {
        breakOff(content, KEPT, NEVER_ASKED);
        assertThat(partialFiles()).hasSize(1);
        assertThat(partialFiles().getFirst()).hasSize(KEPT);

        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                clientWith(content))) {
            assertThat(upload.offset()).isEqualTo(KEPT);
            write(upload, content, KEPT, SIZE);
            assertThat(upload.commit(Optional.of(sha256)).size()).isEqualTo(SIZE);
        }

        assertThat(offers).containsExactly(KEPT + " " + sha256(content, KEPT));
        assertThat(stored()).isEqualTo(content);
        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
        assertThat(blobs.temporaryFileCount()).isZero();
    }

    @Test
    void aClientWithOtherBytesStartsOverAndTheResultIsRight() throws Exception {
        byte[] other = random(SIZE, 2);
        breakOff(other, KEPT, NEVER_ASKED); // kept under the same key, but not the announced bytes

        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                clientWith(content))) {
            assertThat(upload.offset()).isZero();
            assertThat(partialFiles().getFirst()).as("emptied for the new bytes").isEmptyFile();
            write(upload, content, 0, SIZE);
            upload.commit(Optional.of(sha256));
        }

        assertThat(offers).containsExactly(KEPT + " " + sha256(other, KEPT));
        assertThat(stored()).isEqualTo(content);
        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
    }

    @Test
    void theRightOffsetWithAnotherHashIsNoResume() throws Exception {
        breakOff(content, KEPT, NEVER_ASKED);

        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                (offset, prefix) -> new ResumeFrom(offset, "0".repeat(64)))) {
            assertThat(upload.offset()).isZero();
        }
    }

    @Test
    void aClientThatBreaksTheOfferLeavesTheKeptBytesAsTheyWere() throws Exception {
        breakOff(content, KEPT, NEVER_ASKED);
        IOException broken = new IOException("expected ResumeFrom, got Ping");

        assertThatThrownBy(() -> disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                (offset, prefix) -> {
                    throw broken;
                })).isSameAs(broken);

        assertThat(partialFiles().getFirst()).hasSize(KEPT);
        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                clientWith(content))) {
            assertThat(upload.offset()).as("still offered, and taken").isEqualTo(KEPT);
        }
    }

    @Test
    void lessThanOneMebibyteIsNeitherKeptNorOffered() throws Exception {
        breakOff(content, (int) PartialUploads.MIN_KEPT - 1, NEVER_ASKED);

        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                NEVER_ASKED)) {
            assertThat(upload.offset()).isZero();
        }
    }

    @Test
    void contentSmallerThanOneMebibyteIsAnOrdinaryUpload() throws Exception {
        int size = (int) PartialUploads.MIN_KEPT - 1;
        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/small.bin"), size,
                sha256(content, size), NEVER_ASKED)) {
            assertThat(upload.isResumable()).isFalse();
            write(upload, content, 0, size);
            upload.keepForResume();
        }
        assertThat(partialFiles()).isEmpty();
        assertThat(blobs.temporaryFileCount()).isZero();
    }

    @Test
    void aSecondUploadOfTheSameFileMeanwhileIsNotKept() throws Exception {
        try (Upload first = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256, NEVER_ASKED);
             Upload second = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                     NEVER_ASKED)) {
            assertThat(first.isResumable()).isTrue();
            assertThat(second.isResumable()).isFalse();
            write(second, content, 0, KEPT);
            second.keepForResume();
            write(first, content, 0, KEPT + 1);
            first.keepForResume();
        }
        assertThat(partialFiles()).hasSize(1);
        assertThat(partialFiles().getFirst()).hasSize(KEPT + 1);
        assertThat(blobs.temporaryFileCount()).isZero();
    }

    @Test
    void aResumedUploadThatDoesNotHashAsAnnouncedStoresNothingAndKeepsNothing() throws Exception {
        breakOff(content, KEPT, NEVER_ASKED);
        byte[] damaged = content.clone();
        damaged[SIZE - 1] ^= 1;

        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                clientWith(content))) {
            write(upload, damaged, KEPT, SIZE);
            assertThatThrownBy(() -> upload.commit(Optional.of(sha256))).isInstanceOfSatisfying(DiskException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSFER_FAILED));
        }

        assertThat(disk.list(alice, DiskPath.ROOT)).isEmpty();
        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
        try (Stream<String> stored = blobs.list()) {
            assertThat(stored).isEmpty();
        }
    }

    @Test
    void anUploadThatFailsForAnyOtherReasonKeepsNothing() throws Exception {
        try (Upload upload = disk.beginResumableUpload(alice, DiskPath.parse("/big.bin"), SIZE, sha256,
                NEVER_ASKED)) {
            write(upload, content, 0, KEPT); // then, say, the disk filled up: no keepForResume
        }
        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
    }
}
