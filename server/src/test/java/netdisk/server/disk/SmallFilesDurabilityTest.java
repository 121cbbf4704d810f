package netdisk.server.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.protocol.Sha256;
import netdisk.server.storage.BlobId;
import netdisk.server.storage.BlobLock;
import netdisk.server.storage.BlobStore;
import netdisk.server.storage.BlobWriter;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.Name;
import netdisk.server.storage.PartialFile;
import netdisk.server.storage.PartialUploads;
import netdisk.server.storage.UnfinishedUploads;
import netdisk.server.storage.User;

/**
 * The order in which a batch of small files reaches the disk, as {@link Disk#storeSmall} asks the blob store for it:
 * every content synced before any blob is made visible (and so before the metadata refers to it), each written under
 * its hash so that start-up can put back a rename that a crash undid, and no sync of the renames inside the blob lock.
 */
class SmallFilesDurabilityTest {

    @TempDir
    Path data;

    @Test
    void aBatchSyncsItsContentsOnceBeforeAnyBlobIsVisibleAndNamesThemForRestoring() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        FileBlobStore files = FileBlobStore.open(data);
        try (JdbcMetadataStore metadata = JdbcMetadataStore.openSqlite(data);
             HikariDataSource database = MetadataDatabase.connectSqlite(data);
             Disk disk = new Disk(metadata, new Recording(files, events),
                     new PartialUploads(new UnfinishedUploads(database, Clock.systemUTC()), files.partials()),
                     BlobLock.open(data), files.root())) {
            User alice = metadata.createUser(Name.of("alice"), "hash", OptionalLong.empty());
            List<Disk.SmallFile> batch = new ArrayList<>();
            for (int i = 0; i < Disk.GROUP_SYNC_FROM + 1; i++) {
                byte[] content = ("file " + i).getBytes(StandardCharsets.UTF_8);
                batch.add(new Disk.SmallFile(DiskPath.parse("/f" + i), sha256(content), content));
            }

            List<Disk.StoredSmall> stored = disk.storeSmall(alice, batch);

            assertThat(stored).allSatisfy(result -> assertThat(result.refusal()).isEmpty());
            List<String> expected = new ArrayList<>();
            batch.forEach(file -> expected.add("begin " + file.sha256()));
            expected.add("sync");
            batch.forEach(file -> expected.add("commit LATER"));
            assertThat(events).containsExactlyElementsOf(expected);
        }
    }

    private static String sha256(byte[] content) {
        return Sha256.hexOf(content);
    }

    /** A blob store that notes the calls that decide durability, in order. */
    private record Recording(FileBlobStore store, List<String> events) implements BlobStore {

        @Override
        public BlobWriter begin() throws IOException {
            events.add("begin");
            return new RecordingWriter(store.begin(), events);
        }

        @Override
        public BlobWriter begin(String sha256) throws IOException {
            events.add("begin " + sha256);
            return new RecordingWriter(store.begin(sha256), events);
        }

        @Override
        public BlobWriter resume(PartialFile partial, MessageDigest held) throws IOException {
            return store.resume(partial, held);
        }

        @Override
        public FileChannel open(BlobId blob) throws IOException {
            return store.open(blob);
        }

        @Override
        public boolean exists(BlobId blob) throws IOException {
            return store.exists(blob);
        }

        @Override
        public boolean delete(BlobId blob) throws IOException {
            return store.delete(blob);
        }

        @Override
        public Stream<String> list() throws IOException {
            return store.list();
        }

        @Override
        public int restore(Referenced referenced) {
            throw new UnsupportedOperationException("start-up only");
        }

        @Override
        public int sweepTemporaryFiles() {
            throw new UnsupportedOperationException("start-up only");
        }

        @Override
        public void syncAll() throws IOException {
            events.add("sync");
            store.syncAll();
        }
    }

    private record RecordingWriter(BlobWriter writer, List<String> events) implements BlobWriter {

        @Override
        public int write(ByteBuffer source) throws IOException {
            return writer.write(source);
        }

        @Override
        public ByteBuffer buffer() throws IOException {
            return writer.buffer();
        }

        @Override
        public void accept(ByteBuffer filled) throws IOException {
            writer.accept(filled);
        }

        @Override
        public long size() {
            return writer.size();
        }

        @Override
        public boolean isOpen() {
            return writer.isOpen();
        }

        @Override
        public BlobId seal(Optional<String> expectedSha256, Durability durability) throws IOException {
            return writer.seal(expectedSha256, durability);
        }

        @Override
        public BlobId commit(Optional<String> expectedSha256, Durability durability) throws IOException {
            events.add("commit " + durability);
            return writer.commit(expectedSha256, durability);
        }

        @Override
        public void abort() throws IOException {
            writer.abort();
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }
}
