package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {

    @TempDir
    Path data;

    private FileBlobStore store;

    @BeforeEach
    void open() throws IOException {
        store = FileBlobStore.open(data);
    }

    @Test
    void commitStoresTheBlobUnderItsHash() throws Exception {
        byte[] content = "hello, blobs".getBytes(StandardCharsets.UTF_8);

        BlobId blob = write(content, Optional.of(sha256(content)));

        assertThat(blob).isEqualTo(new BlobId(sha256(content), content.length));
        Path file = data.resolve("blobs").resolve(blob.sha256().substring(0, 2)).resolve(blob.sha256().substring(2, 4))
                .resolve(blob.sha256());
        assertThat(file).hasBinaryContent(content);
        assertThat(store.exists(blob)).isTrue();
        assertThat(read(blob)).isEqualTo(content);
        assertThat(store.temporaryFileCount()).isZero();
    }

    @Test
    void hashesExactlyWhatWasWrittenAcrossManyWrites() throws Exception {
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        try (BlobWriter writer = store.begin()) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ByteBuffer slice = buffer.slice().limit(Math.min(7_777, buffer.remaining()));
                int written = writer.write(slice);
                buffer.position(buffer.position() + written);
            }
            assertThat(writer.size()).isEqualTo(content.length);
            assertThat(writer.commit(Optional.empty())).isEqualTo(new BlobId(sha256(content), content.length));
        }
    }

    @Test
    void aBigBlobWithNoHashingThreadFreeIsHashedOnItsOwnThreadAndPlacesComeBack() throws Exception {
        byte[] content = new byte[(int) FileBlobWriter.BACKGROUND_HASHING_FROM * 2 + 7];
        new java.util.Random(content.length).nextBytes(content);
        var places = FileBlobWriter.backgroundHashers();
        assertThat(places.availablePermits()).isEqualTo(FileBlobWriter.MAX_BACKGROUND_HASHERS);
        places.acquire(FileBlobWriter.MAX_BACKGROUND_HASHERS);
        try (BlobWriter writer = store.begin()) {
            writeThroughLentBuffers(writer, content);
            assertThat(writer.commit(Optional.of(sha256(content))).sha256()).isEqualTo(sha256(content));
        } finally {
            places.release(FileBlobWriter.MAX_BACKGROUND_HASHERS);
        }
        try (BlobWriter committed = store.begin(); BlobWriter aborted = store.begin()) {
            writeThroughLentBuffers(committed, content);
            writeThroughLentBuffers(aborted, content);
            assertThat(places.availablePermits()).isEqualTo(FileBlobWriter.MAX_BACKGROUND_HASHERS - 2);
            committed.commit(Optional.of(sha256(content)));
        }
        assertThat(places.availablePermits()).as("given back by commit and by close").isEqualTo(
                FileBlobWriter.MAX_BACKGROUND_HASHERS);
    }

    private static void writeThroughLentBuffers(BlobWriter writer, byte[] content) throws IOException {
        int at = 0;
        while (at < content.length) {
            ByteBuffer lent = writer.buffer();
            int length = Math.min(content.length - at, lent.remaining());
            lent.put(content, at, length).flip();
            writer.accept(lent);
            at += length;
        }
    }

    @Test
    void hashesWhatCameThroughLentBuffersAndWritesBeforeAndAfterHashingMovesBeside() throws Exception {
        byte[] content = new byte[(int) FileBlobWriter.BACKGROUND_HASHING_FROM * 3 + 12_345];
        new java.util.Random(content.length).nextBytes(content);
        try (BlobWriter writer = store.begin()) {
            int at = 0;
            int round = 0;
            while (at < content.length) {
                int length;
                if (round++ % 5 == 4) { // now and then through write(), from a buffer of the caller's
                    length = Math.min(content.length - at, 99_999);
                    ByteBuffer own = ByteBuffer.wrap(content, at, length);
                    while (own.hasRemaining()) {
                        writer.write(own);
                    }
                } else {
                    ByteBuffer lent = writer.buffer();
                    length = Math.min(content.length - at, Math.min(lent.remaining(), 300_001));
                    lent.put(content, at, length).flip();
                    writer.accept(lent);
                }
                at += length;
            }
            assertThat(writer.size()).isEqualTo(content.length);
            assertThat(writer.commit(Optional.of(sha256(content))))
                    .isEqualTo(new BlobId(sha256(content), content.length));
        }
        assertThat(read(new BlobId(sha256(content), content.length))).isEqualTo(content);
    }

    @Test
    void identicalContentsAreStoredOnce() throws Exception {
        byte[] content = "same bytes".getBytes(StandardCharsets.UTF_8);

        BlobId first = write(content, Optional.empty());
        BlobId second = write(content, Optional.empty());

        assertThat(second).isEqualTo(first);
        try (Stream<String> all = store.list()) {
            assertThat(all).containsExactly(first.sha256());
        }
        assertThat(store.temporaryFileCount()).isZero();
    }

    @Test
    void aFanOutDirectoryRemovedBehindTheStoresBackIsMadeAgain() throws Exception {
        byte[] content = "stored twice".getBytes(StandardCharsets.UTF_8);
        BlobId blob = write(content, Optional.empty());
        Path second = store.pathOf(blob.sha256()).getParent();
        Files.delete(store.pathOf(blob.sha256()));
        Files.delete(second); // the store remembers it exists

        assertThat(write(content, Optional.empty())).isEqualTo(blob);

        assertThat(read(blob)).isEqualTo(content);
        assertThat(store.temporaryFileCount()).isZero();
    }

    @Test
    void emptyContentIsABlobToo() throws Exception {
        BlobId blob = write(new byte[0], Optional.empty());

        assertThat(blob.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(blob.size()).isZero();
    }

    @Test
    void aHashMismatchIsTypedAndLeavesNothing() throws Exception {
        byte[] content = "what arrived".getBytes(StandardCharsets.UTF_8);
        String claimed = sha256("what was promised".getBytes(StandardCharsets.UTF_8));
        String actual = sha256(content);

        try (BlobWriter writer = store.begin()) {
            writer.write(ByteBuffer.wrap(content));
            assertThatThrownBy(() -> writer.commit(Optional.of(claimed)))
                    .isInstanceOfSatisfying(BlobHashMismatchException.class, e -> {
                        assertThat(e.expected()).isEqualTo(claimed);
                        assertThat(e.actual()).isEqualTo(actual);
                    });
            assertThat(writer.isOpen()).isFalse();
        }
        assertThat(store.temporaryFileCount()).isZero();
        assertThat(store.exists(new BlobId(actual, content.length))).isFalse();
        try (Stream<String> all = store.list()) {
            assertThat(all).isEmpty();
        }
    }

    @Test
    void abortAndCloseWithoutCommitDeleteTheTemporaryFile() throws Exception {
        BlobWriter aborted = store.begin();
        aborted.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(store.temporaryFileCount()).isEqualTo(1);
        aborted.abort();
        aborted.abort();
        assertThat(store.temporaryFileCount()).isZero();

        try (BlobWriter forgotten = store.begin()) {
            forgotten.write(ByteBuffer.wrap(new byte[] {4, 5, 6}));
        }
        assertThat(store.temporaryFileCount()).isZero();
        assertThatThrownBy(() -> aborted.write(ByteBuffer.allocate(1)))
                .isInstanceOf(java.nio.channels.ClosedChannelException.class);
    }

    @Test
    void sweepRemovesWhatACrashLeft() throws Exception {
        BlobWriter crashed = store.begin();
        crashed.write(ByteBuffer.wrap(new byte[] {9, 9, 9}));
        store.begin().write(ByteBuffer.wrap(new byte[] {8}));
        BlobId kept = write("committed".getBytes(StandardCharsets.UTF_8), Optional.empty());

        FileBlobStore reopened = FileBlobStore.open(data);
        assertThat(reopened.sweepTemporaryFiles()).isEqualTo(2);

        assertThat(reopened.temporaryFileCount()).isZero();
        assertThat(reopened.exists(kept)).isTrue();
    }

    @Test
    void deleteRemovesTheBlob() throws Exception {
        BlobId blob = write("short-lived".getBytes(StandardCharsets.UTF_8), Optional.empty());

        assertThat(store.delete(blob)).isTrue();

        assertThat(store.exists(blob)).isFalse();
        assertThat(store.delete(blob)).isFalse();
        assertThatThrownBy(() -> store.open(blob)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void blobIdAcceptsOnlyLowerCaseSha256Hex() {
        assertThatThrownBy(() -> new BlobId("../../etc/passwd", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobId("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobId("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private BlobId write(byte[] content, Optional<String> expected) throws IOException {
        try (BlobWriter writer = store.begin()) {
            writer.write(ByteBuffer.wrap(content));
            return writer.commit(expected);
        }
    }

    private byte[] read(BlobId blob) throws IOException {
        try (FileChannel channel = store.open(blob)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(channel.size()));
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading
            }
            return buffer.array();
        }
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
