package netdisk.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Big files that cost nothing to make: sparse (holes read as zeros) with a few marked bytes, so that misplaced or
 * missing bytes change the SHA-256 and two files of different {@code tag}s have different contents.
 */
final class Sparse {

    private Sparse() {
    }

    static Path file(Path file, long size) throws IOException {
        return file(file, size, "");
    }

    /** A sparse file of {@code size} bytes, marked at its start, its end and every 64 MiB with {@code tag}. */
    static Path file(Path file, long size, String tag) throws IOException {
        try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        try (var out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (long at = 0; at < size; at += 64L << 20) {
                mark(out, at, size, tag);
            }
            mark(out, Math.max(0, size - 24), size, tag);
        }
        return file;
    }

    private static void mark(FileChannel out, long at, long size, String tag) throws IOException {
        byte[] mark = ("@" + at + ":" + tag).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(mark, 0, (int) Math.min(mark.length, size - at));
        while (buffer.hasRemaining()) {
            out.write(buffer, at + buffer.position());
        }
    }
}
