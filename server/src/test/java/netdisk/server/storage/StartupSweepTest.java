package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdisk.protocol.Sha256;

class StartupSweepTest {

    @TempDir
    Path data;

    @Test
    void removesTemporaryFilesAndUnreferencedBlobsAndKeepsReferencedOnes() throws Exception {
        FileBlobStore blobs = FileBlobStore.open(data);
        try (JdbcMetadataStore metadata = JdbcMetadataStore.openSqlite(data)) {
            User user = metadata.createUser(Name.of("u"), "h", OptionalLong.empty());
            BlobId kept = commit(blobs, "referenced");
            metadata.addFile(metadata.root(user), Name.of("kept"), kept);
            BlobId uploadedButNeverAdded = commit(blobs, "crashed before the metadata transaction");
            blobs.begin().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

            StartupSweep.Result result = StartupSweep.run(metadata, FileBlobStore.open(data));

            assertThat(result).isEqualTo(new StartupSweep.Result(0, 1, 1));
            assertThat(blobs.exists(kept)).isTrue();
            assertThat(blobs.exists(uploadedButNeverAdded)).isFalse();
            assertThat(blobs.temporaryFileCount()).isZero();
            assertThat(StartupSweep.run(metadata, blobs)).isEqualTo(new StartupSweep.Result(0, 0, 0));
        }
    }

    @Test
    void putsBackABlobWhoseRenameACrashUndidAfterItsFileWasAdded() throws Exception {
        FileBlobStore blobs = FileBlobStore.open(data);
        try (JdbcMetadataStore metadata = JdbcMetadataStore.openSqlite(data)) {
            User user = metadata.createUser(Name.of("u"), "h", OptionalLong.empty());
            byte[] content = "a small file".getBytes(StandardCharsets.UTF_8);
            // what a batch of small files leaves if the machine stops after its metadata committed and before its
            // renames reached the disk: the content, synced, under the temporary name, and the file referring to it
            BlobId blob = new BlobId(sha256(content), content.length);
            BlobWriter writer = blobs.begin(blob.sha256());
            writer.write(ByteBuffer.wrap(content));
            writer.seal(Optional.of(blob.sha256()), BlobWriter.Durability.LATER);
            blobs.syncAll();
            metadata.addFile(metadata.root(user), Name.of("small"), blob);
            // another such file that no file refers to, and one whose content is not what its name says
            BlobWriter unreferenced = blobs.begin(sha256("never added".getBytes(StandardCharsets.UTF_8)));
            unreferenced.write(ByteBuffer.wrap("never added".getBytes(StandardCharsets.UTF_8)));
            byte[] other = "another small file".getBytes(StandardCharsets.UTF_8);
            BlobId damaged = new BlobId(sha256(other), other.length);
            blobs.begin(damaged.sha256()).write(ByteBuffer.wrap("torn".getBytes(StandardCharsets.UTF_8)));
            metadata.addFile(metadata.root(user), Name.of("damaged"), damaged);

            StartupSweep.Result result = StartupSweep.run(metadata, FileBlobStore.open(data));

            assertThat(result).isEqualTo(new StartupSweep.Result(1, 2, 0));
            try (FileChannel restored = blobs.open(blob)) {
                ByteBuffer read = ByteBuffer.allocate(content.length + 1);
                restored.read(read);
                assertThat(read.flip()).isEqualTo(ByteBuffer.wrap(content));
            }
            assertThat(blobs.exists(damaged)).as("never put back with other bytes than its name's").isFalse();
            assertThat(blobs.temporaryFileCount()).isZero();
        }
    }

    private static String sha256(byte[] content) {
        return Sha256.hexOf(content);
    }

    private static BlobId commit(BlobStore blobs, String content) throws Exception {
        try (BlobWriter writer = blobs.begin()) {
            writer.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            return writer.commit(Optional.empty());
        }
    }
}
