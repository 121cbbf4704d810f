package netdisk.it;

import java.nio.file.Files;
import java.nio.file.Path;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Sizes past every 32-bit limit (2 and 4 GiB) and past one sendfile call: 5 GiB and a little, both ways. */
class LargeFileTest {

    private static final long SIZE = (5L << 30) + 12_345;

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void aFileOfMoreThan5GiBGoesUpAndComesBackIntact() throws Exception {
        // marks across the 2 and 4 GiB boundaries and at the last byte make misplaced bytes visible
        long[] marks = {(2L << 30) - 3, (4L << 30) - 3, (5L << 30) - 1, SIZE - 8};
        Path source = Sparse.file(local.resolve("huge.bin"), SIZE, "large", marks);
        String expected = Sparse.sha256(SIZE, "large", marks);
        TestUsers.add(data, "ada");
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            try (var client = Clients.login(server, "ada")) {
                assertThat(Clients.put(client, source, "/huge.bin").size()).isEqualTo(SIZE);
                var stat = client.stat("/huge.bin").entry();
                assertThat(stat.size()).isEqualTo(SIZE);
                assertThat(stat.sha256()).as("what the server hashed while storing").isEqualTo(expected);
            }
            assertThat(DataDir.blobFiles(data)).singleElement().satisfies(blob -> {
                assertThat(blob.getFileName()).hasToString(expected);
                assertThat(Files.size(blob)).isEqualTo(SIZE);
            });
            Files.delete(source);

            try (var client = Clients.login(server, "ada")) {
                assertThat(Clients.sha256(client, "/huge.bin")).as("the download, hashed as it comes")
                        .isEqualTo(expected);
            }
        }
    }
}
