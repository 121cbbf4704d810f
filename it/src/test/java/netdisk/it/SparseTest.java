package netdisk.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The big-file helper the large-file tests trust: its file, its hash and its byte-for-byte check agree. */
class SparseTest {

    private static final long SIZE = (200L << 20) + 7; // past a few 64 MiB marks and a 1 MiB chunk
    private static final long[] MARKS = {(1L << 20) - 3, SIZE - 2};

    @TempDir
    Path dir;

    private static void feed(Path file, Sparse.Matching sink) throws IOException {
        try (var in = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(300_001); // not a multiple of anything the helper uses
            while (in.read(buffer) >= 0) {
                sink.write(buffer.flip());
                buffer.clear();
            }
        }
    }

    @Test
    void theFileMatchesItsDescriptionAndItsHash() throws Exception {
        Path file = Sparse.file(dir.resolve("f"), SIZE, "t", MARKS);
        Sparse.Matching sink = Sparse.matching(SIZE, "t", MARKS);
        feed(file, sink);
        sink.assertWhole();
        assertThat(Sha256.of(file)).isEqualTo(Sparse.sha256(SIZE, "t", MARKS));
    }

    @Test
    void oneChangedByteAnotherTagOrAMissingEndIsCaught() throws Exception {
        Path file = Sparse.file(dir.resolve("f"), SIZE, "t", MARKS);
        try (var out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(new byte[] {1}), 150L << 20);
        }
        assertThatThrownBy(() -> feed(file, Sparse.matching(SIZE, "t", MARKS))).hasMessage("byte " + (150L << 20)
                + " differs");

        Path other = Sparse.file(dir.resolve("g"), SIZE, "u", MARKS);
        assertThatThrownBy(() -> feed(other, Sparse.matching(SIZE, "t", MARKS))).hasMessageContaining("differs");

        Path same = Sparse.file(dir.resolve("h"), SIZE, "t", MARKS);
        Sparse.Matching cut = Sparse.matching(SIZE, "t", MARKS);
        try (var in = FileChannel.open(same)) {
            ByteBuffer start = ByteBuffer.allocate(1000);
            in.read(start, 0);
            cut.write(start.flip());
        }
        assertThatThrownBy(cut::assertWhole).isInstanceOf(AssertionError.class)
                .hasMessage("got 1000 of " + SIZE + " bytes");
        assertThatThrownBy(() -> cut.write(ByteBuffer.allocate((int) (SIZE - 1000) + 1)))
                .hasMessageContaining("differs"); // zeros where the mark at 1 MiB - 3 is
    }
}
