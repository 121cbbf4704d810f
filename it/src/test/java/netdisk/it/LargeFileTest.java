package netdisk.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferListener;

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
    void aFileOfMoreThan5GiBGoesUpAndComesBackIntact() throws IOException {
        Path source = local.resolve("huge.bin");
        try (var file = new RandomAccessFile(source.toFile(), "rw")) {
            file.setLength(SIZE); // sparse: cheap to make; marked bytes below make misplaced bytes visible
        }
        try (var out = FileChannel.open(source, StandardOpenOption.WRITE)) {
            for (long at : new long[] {0, (2L << 30) - 3, (4L << 30) - 3, (5L << 30) - 1, SIZE - 8}) {
                out.write(ByteBuffer.wrap(String.format("@%07d", at % 10_000_000).getBytes()), at);
            }
        }
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            try (var client = NetdiskClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(10));
                 var in = FileChannel.open(source)) {
                assertThat(client.put(in, in.size(), "huge.bin", TransferListener.NONE).size()).isEqualTo(SIZE);
            }
            Path stored = data.resolve("files/huge.bin");
            assertThat(Files.size(stored)).isEqualTo(SIZE);
            String expected = Sha256.of(source);
            assertThat(Sha256.of(stored)).isEqualTo(expected);
            Files.delete(source);

            Path back = local.resolve("back.bin");
            try (var client = NetdiskClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(10));
                 var out = FileChannel.open(back, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                assertThat(client.get("huge.bin", out, TransferListener.NONE).size()).isEqualTo(SIZE);
            }
            assertThat(Sha256.of(back)).isEqualTo(expected);
        }
    }
}
