package netdisk.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Big files that cost nothing to make: sparse (holes read as zeros) with a few marked bytes, so that misplaced or
 * missing bytes change the SHA-256 and two files of different {@code tag}s have different contents. Their SHA-256 is
 * computed from the same description in memory: reading a sparse file the first time costs the kernel more than
 * hashing (page cache filled with zeros, ~0.7 GB/s here).
 */
final class Sparse {

    private static final long MARK_EVERY = 64L << 20;

    private record Mark(long at, byte[] bytes) {
    }

    private Sparse() {
    }

    static Path file(Path file, long size) throws IOException {
        return file(file, size, "");
    }

    /**
     * A sparse file of {@code size} bytes, marked with {@code tag} at its start, every 64 MiB, at each of
     * {@code extraMarks} and at its end.
     */
    static Path file(Path file, long size, String tag, long... extraMarks) throws IOException {
        try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        try (var out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (Mark mark : marks(size, tag, extraMarks)) {
                ByteBuffer buffer = ByteBuffer.wrap(mark.bytes());
                while (buffer.hasRemaining()) {
                    out.write(buffer, mark.at() + buffer.position());
                }
            }
        }
        return file;
    }

    /** The SHA-256 of what {@link #file} writes for the same arguments, without reading a file. */
    static String sha256(long size, String tag, long... extraMarks) {
        List<Mark> marks = marks(size, tag, extraMarks);
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] chunk = new byte[1 << 20];
        for (long from = 0; from < size; from += chunk.length) {
            int length = (int) Math.min(chunk.length, size - from);
            fill(marks, chunk, from, length);
            digest.update(chunk, 0, length);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code chunk[0, length)} = the bytes {@link #file} writes at {@code from}, given its {@code marks}. */
    private static void fill(List<Mark> marks, byte[] chunk, long from, int length) {
        java.util.Arrays.fill(chunk, 0, length, (byte) 0);
        for (Mark mark : marks) { // in the order file() writes them: a later mark overwrites an earlier one
            long start = Math.max(from, mark.at());
            long end = Math.min(from + length, mark.at() + mark.bytes().length);
            if (start < end) {
                System.arraycopy(mark.bytes(), (int) (start - mark.at()), chunk, (int) (start - from),
                        (int) (end - start));
            }
        }
    }

    /**
     * A sink that checks, byte for byte, that what it receives is what {@link #file} writes for the same arguments:
     * as strong as comparing hashes, and ~20 times cheaper than hashing on a CPU without SHA extensions (a
     * vectorised comparison against zeros with the marks laid over). {@link Matching#assertWhole()} checks the end.
     */
    static Matching matching(long size, String tag, long... extraMarks) {
        return new Matching(size, marks(size, tag, extraMarks));
    }

    /** See {@link #matching}. */
    static final class Matching implements WritableByteChannel {

        private final long size;
        private final List<Mark> marks;
        private final byte[] expected = new byte[1 << 20];
        private long position;

        private Matching(long size, List<Mark> marks) {
            this.size = size;
            this.marks = marks;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            int n = source.remaining();
            while (source.hasRemaining()) {
                int length = (int) Math.min(Math.min(source.remaining(), expected.length), size - position);
                if (length <= 0) {
                    throw new IOException("more than " + size + " bytes");
                }
                fill(marks, expected, position, length);
                ByteBuffer piece = source.slice(source.position(), length);
                int at = piece.mismatch(ByteBuffer.wrap(expected, 0, length));
                if (at >= 0) {
                    throw new IOException("byte " + (position + at) + " differs");
                }
                source.position(source.position() + length);
                position += length;
            }
            return n;
        }

        void assertWhole() {
            if (position != size) {
                throw new AssertionError("got " + position + " of " + size + " bytes");
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static List<Mark> marks(long size, String tag, long... extraMarks) {
        List<Long> positions = new ArrayList<>();
        for (long at = 0; at < size; at += MARK_EVERY) {
            positions.add(at);
        }
        for (long at : extraMarks) {
            positions.add(at);
        }
        positions.add(Math.max(0, size - 24));
        List<Mark> marks = new ArrayList<>();
        for (long at : positions) {
            if (at < 0 || at >= size) {
                continue;
            }
            byte[] text = ("@" + at + ":" + tag).getBytes(StandardCharsets.UTF_8);
            marks.add(new Mark(at, java.util.Arrays.copyOf(text, (int) Math.min(text.length, size - at))));
        }
        return marks;
    }
}
