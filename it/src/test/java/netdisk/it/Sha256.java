package netdisk.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files, to compare what went in with what came out. */
final class Sha256 {

    private Sha256() {
    }

    static String of(Path file) throws IOException {
        // a channel into a direct buffer: several times faster than an InputStream on big files
        try (FileChannel in = FileChannel.open(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (in.read(buffer.clear()) > 0) {
                digest.update(buffer.flip());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of {@code parts} one after the other, in lower-case hex. */
    static String of(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file of {@code size} pseudo-random bytes (seeded: the same every run). */
    static Path randomFile(Path file, long size, long seed) throws IOException {
        var random = new java.util.SplittableRandom(seed);
        byte[] chunk = new byte[(int) Math.clamp(size, 1, 1 << 20)];
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }
}
