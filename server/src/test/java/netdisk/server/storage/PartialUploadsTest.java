package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdisk.protocol.Sha256;
import netdisk.server.MutableClock;

/**
 * Kept partial uploads: claimed by key, kept from 1 MiB on, held against a second upload, resumed into a blob, and
 * swept by the expiry and never by the sweeps of temporary files.
 */
class PartialUploadsTest {

    private static final int SIZE = 3 << 20;

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final byte[] content = new byte[SIZE];
    private TestDatabase db;
    private JdbcMetadataStore metadata;
    private FileBlobStore blobs;
    private UnfinishedUploads rows;
    private PartialUploads partials;
    private User alice;

    @BeforeEach
    void open() throws Exception {
        new Random(7).nextBytes(content);
        db = TestDatabase.open(data);
        var database = db.migrated();
        metadata = JdbcMetadataStore.create(database, clock);
        blobs = FileBlobStore.open(data);
        rows = new UnfinishedUploads(database, clock);
        partials = new PartialUploads(rows, blobs.partials());
        alice = metadata.createUser(Name.of("alice"), "h", OptionalLong.empty());
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private UnfinishedUploads.Key key(String path) {
        return new UnfinishedUploads.Key(alice.id(), path, SIZE, Sha256.hexOf(content));
    }

    /** Claims {@code path}'s upload and writes {@code content[from..to)} into it, as a receiving upload would. */
    private PartialUpload claimAndWrite(String path, int to) throws Exception {
        PartialUpload upload = partials.claim(key(path)).orElseThrow();
        PartialFile file = upload.file();
        int from = (int) file.size();
        BlobWriter writer = blobs.resume(file, file.hash(from));
        writer.write(ByteBuffer.wrap(content, from, to - from));
        writer.close(); // not committed: an abort, which leaves the partial to its holder
        return upload;
    }

    private List<Path> partialFiles() throws IOException {
        try (Stream<Path> files = Files.list(blobs.partials().directory())) {
            return files.toList();
        }
    }

    @Test
    void anUploadKeptFromOneMebibyteIsFoundAgainWithItsBytes() throws Exception {
        PartialUpload first = claimAndWrite("/big.bin", 1_500_000);
        PartialId id = first.file().id();

        assertThat(first.keep()).isEqualTo(1_500_000);

        assertThat(partialFiles()).containsExactly(blobs.partials().directory().resolve(id.value() + ".part"));
        try (PartialUpload again = partials.claim(key("/big.bin")).orElseThrow()) {
            assertThat(again.file().id()).isEqualTo(id);
            assertThat(again.file().size()).isEqualTo(1_500_000);
            MessageDigest expected = Sha256.newDigest();
            expected.update(content, 0, 1_500_000);
            assertThat(again.file().hash(1_500_000).digest()).isEqualTo(expected.digest());
        }
    }

    @Test
    void lessThanOneMebibyteIsNotKept() throws Exception {
        PartialUpload upload = claimAndWrite("/big.bin", (int) PartialUploads.MIN_KEPT - 1);

        assertThat(upload.keep()).isZero();

        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
    }

    @Test
    void aHeldUploadIsNotClaimedTwiceAndOtherKeysGetTheirOwn() throws Exception {
        PartialUpload held = partials.claim(key("/big.bin")).orElseThrow();

        assertThat(partials.claim(key("/big.bin"))).as("a second upload of the same key, meanwhile").isEmpty();
        try (PartialUpload other = partials.claim(key("/other.bin")).orElseThrow()) {
            assertThat(other.file().id()).isNotEqualTo(held.file().id());
        }

        held.close();
        try (PartialUpload again = partials.claim(key("/big.bin")).orElseThrow()) {
            assertThat(again.file().id()).isEqualTo(held.file().id());
        }
    }

    @Test
    void aResumedUploadBecomesTheBlobAndLeavesNothingBehind() throws Exception {
        claimAndWrite("/big.bin", 2_000_000).keep();
        String sha256 = key("/big.bin").sha256();

        PartialUpload upload = partials.claim(key("/big.bin")).orElseThrow();
        PartialFile file = upload.file();
        try (BlobWriter writer = blobs.resume(file, file.hash(file.size()))) {
            assertThat(writer.size()).isEqualTo(2_000_000);
            writer.write(ByteBuffer.wrap(content, 2_000_000, SIZE - 2_000_000));
            assertThat(writer.commit(Optional.of(sha256))).isEqualTo(new BlobId(sha256, SIZE));
        }
        upload.finished();

        assertThat(Files.readAllBytes(blobs.pathOf(sha256))).isEqualTo(content);
        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
        assertThat(blobs.temporaryFileCount()).isZero();
    }

    @Test
    void aResumedUploadWhoseBytesDoNotHashAsAnnouncedIsNotStored() throws Exception {
        PartialUpload upload = partials.claim(key("/big.bin")).orElseThrow();
        PartialFile file = upload.file();
        try (BlobWriter writer = blobs.resume(file, file.hash(0))) {
            content[SIZE - 1] ^= 1;
            writer.write(ByteBuffer.wrap(content));
            content[SIZE - 1] ^= 1;
            assertThatThrownBy(() -> writer.commit(Optional.of(key("/").sha256())))
                    .isInstanceOf(BlobHashMismatchException.class);
        }
        assertThat(partialFiles()).as("the writer leaves the partial to its holder").hasSize(1);

        upload.discard();

        assertThat(partialFiles()).isEmpty();
        assertThat(rows.partials()).isEmpty();
        try (Stream<String> stored = blobs.list()) {
            assertThat(stored).isEmpty();
        }
    }

    @Test
    void aRowWhoseFileWentMissingStartsAfresh() throws Exception {
        PartialUpload kept = claimAndWrite("/big.bin", 2_000_000);
        kept.keep();
        Files.delete(partialFiles().getFirst());

        try (PartialUpload again = partials.claim(key("/big.bin")).orElseThrow()) {
            assertThat(again.file().id()).isEqualTo(kept.file().id());
            assertThat(again.file().size()).isZero();
        }
    }

    @Test
    void theSweepsOfTemporaryFilesLeaveKeptUploadsAlone() throws Exception {
        claimAndWrite("/big.bin", 2_000_000).keep();
        List<Path> kept = partialFiles();

        blobs.sweepTemporaryFiles();
        blobs.sweepTemporaryFilesOf(ProcessHandle.current().pid());
        StartupSweep.run(metadata, blobs);

        assertThat(partialFiles()).isEqualTo(kept);
        assertThat(kept.getFirst()).hasSize(2_000_000);
    }

    @Test
    void expiryDeletesUnusedUploadsAndStrayFilesButNothingHeld() throws Exception {
        claimAndWrite("/old.bin", 2_000_000).keep();
        PartialUpload missingFile = claimAndWrite("/missing.bin", 2_000_000);
        missingFile.keep();
        Files.delete(blobs.partials().pathOf(missingFile.file().id()));
        PartialUpload inUse = claimAndWrite("/in-use.bin", 2_000_000);
        inUse.keep();
        clock.advance(Duration.ofDays(6));
        claimAndWrite("/recent.bin", 2_000_000).keep();
        blobs.partials().create().close(); // a crash between a file and its row
        PartialFile beingCreated = blobs.partials().create(); // its row is about to come
        clock.advance(Duration.ofDays(2));
        PartialUpload held = partials.claim(key("/in-use.bin")).orElseThrow();
        Instant cutoff = clock.instant().minus(Duration.ofDays(7));
        clock.advance(Duration.ofMinutes(1));

        PartialUploads.Expired expired = partials.expire(cutoff);

        assertThat(expired).isEqualTo(new PartialUploads.Expired(2, 1));
        assertThat(rows.unusedSince(clock.instant())).extracting(row -> row.key().path())
                .containsExactlyInAnyOrder("/recent.bin", "/in-use.bin");
        assertThat(partialFiles()).containsExactlyInAnyOrder(blobs.partials().pathOf(held.file().id()),
                blobs.partials().pathOf(rows.find(key("/recent.bin")).orElseThrow().partial()),
                blobs.partials().pathOf(beingCreated.id()));
        held.close();
        beingCreated.close();
    }

    @Test
    void aHeldUploadIsNotExpiredEvenWhenItsRowIsOld() throws Exception {
        claimAndWrite("/slow.bin", 2_000_000).keep();
        clock.advance(Duration.ofDays(8));
        PartialFile holding = blobs.partials().tryHoldExisting(rows.partials().iterator().next()).orElseThrow();

        assertThat(partials.expire(clock.instant().minus(Duration.ofDays(7))))
                .isEqualTo(new PartialUploads.Expired(0, 0));

        holding.close();
        assertThat(partials.expire(clock.instant().minus(Duration.ofDays(7))))
                .isEqualTo(new PartialUploads.Expired(1, 0));
        assertThat(partialFiles()).isEmpty();
    }
}
