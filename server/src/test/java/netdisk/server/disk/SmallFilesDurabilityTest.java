package netdisk.server.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import netdisk.protocol.Sha256;
import netdisk.server.storage.BlobLock;
import netdisk.server.storage.BlobStore;
import netdisk.server.storage.BlobWriter;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.MetadataDatabase;
import netdisk.server.storage.Name;
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
             Disk disk = new Disk(metadata, recording(BlobStore.class, files, events),
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

    /**
     * {@code target} as {@code type}, noting in {@code events} the calls that decide durability, in order: a blob
     * store's {@code begin} (with the hash it is given) and {@code syncAll}, and its writers' {@code commit} (with its
     * durability); the writers it hands out are noted the same way.
     */
    private static <T> T recording(Class<T> type, T target, List<String> events) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "begin" -> events.add(arguments == null ? "begin" : "begin " + arguments[0]);
                        case "syncAll" -> events.add("sync");
                        case "commit" -> events.add("commit "
                                + (arguments.length > 1 ? arguments[1] : BlobWriter.Durability.NOW));
                        default -> {
                            // passed on unnoted
                        }
                    }
                    Object result;
                    try {
                        result = method.invoke(target, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return result instanceof BlobWriter writer ? recording(BlobWriter.class, writer, events) : result;
                }));
    }
}
