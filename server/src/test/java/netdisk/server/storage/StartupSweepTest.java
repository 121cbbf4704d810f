package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

            assertThat(result).isEqualTo(new StartupSweep.Result(1, 1));
            assertThat(blobs.exists(kept)).isTrue();
            assertThat(blobs.exists(uploadedButNeverAdded)).isFalse();
            assertThat(blobs.temporaryFileCount()).isZero();
            assertThat(StartupSweep.run(metadata, blobs)).isEqualTo(new StartupSweep.Result(0, 0));
        }
    }

    private static BlobId commit(BlobStore blobs, String content) throws Exception {
        try (BlobWriter writer = blobs.begin()) {
            writer.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            return writer.commit(Optional.empty());
        }
    }
}
