package netdisk.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import netdisk.client.TransferListener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sizes past every 32-bit limit (2 and 4 GiB) and past two sendfile calls (each moves at most 0x7ffff000 bytes):
 * 4 GiB and a little, both ways.
 */
class LargeFileTest {

    private static final long SIZE = (4L << 30) + 12_345;

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void aFileOfMoreThan4GiBGoesUpAndComesBackIntact() throws Exception {
        // marks across the 2 and 4 GiB boundaries and at the last byte make misplaced bytes visible
        long[] marks = {(2L << 30) - 3, (4L << 30) - 3, (4L << 30) + 1, SIZE - 8};
        Path source = Sparse.file(local.resolve("huge.bin"), SIZE, "large", marks);
        TestUsers.add(data, "ada");
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            String stored;
            try (var client = Clients.login(server, "ada")) {
                assertThat(Clients.put(client, source, "/huge.bin").size()).isEqualTo(SIZE);
                var stat = client.stat("/huge.bin").entry();
                assertThat(stat.size()).isEqualTo(SIZE);
                stored = stat.sha256();
            }
            Files.delete(source);

            // The expected hash takes a core for ~20 s where SHA-256 has no CPU extensions: computed during the
            // download, which leaves one free (sendfile, and a byte-for-byte comparison instead of a hash).
            try (ExecutorService background = Executors.newSingleThreadExecutor()) {
                Future<String> expected = background.submit(() -> Sparse.sha256(SIZE, "large", marks));
                try (var client = Clients.login(server, "ada")) {
                    Sparse.Matching download = Sparse.matching(SIZE, "large", marks);
                    client.get("/huge.bin", download, TransferListener.NONE);
                    download.assertWhole();
                }
                assertThat(stored).as("what the server hashed while storing").isEqualTo(expected.get());
            }
            assertThat(DataDir.blobFiles(data)).singleElement().satisfies(blob -> {
                assertThat(blob.getFileName()).hasToString(stored);
                assertThat(Files.size(blob)).isEqualTo(SIZE);
            });
        }
    }
}
