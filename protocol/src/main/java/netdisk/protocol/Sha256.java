package netdisk.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The SHA-256 that verified transfers use (see {@link PutFile}, {@link FileInfo}, {@link ProveContent}), written once
 * for both sides: how a hash is spelled on the wire, and how one range of a content proof is answered.
 */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();
    private static final MessageDigest PROTOTYPE = lookUp();

    private Sha256() {
    }

    /**
     * A new SHA-256 digest: a clone of one looked up once, since {@code MessageDigest.getInstance} searches the
     * security providers every time (3 % of the client's CPU in a {@code put -r} of small files).
     */
    public static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest lookUp() {
        Optional<MessageDigest> libcrypto = LibcryptoSha256.load();
        if (libcrypto.isPresent()) {
            return libcrypto.get();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 of {@code content} as it travels: lower-case hex. */
    public static String hexOf(byte[] content) {
        return hex(newDigest().digest(content));
    }

    /** A digest as it travels: lower-case hex. */
    public static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    /** Whether {@code text} is a SHA-256 as it travels: 64 lower-case hex digits, so one hash has one spelling. */
    public static boolean isHex(String text) {
        if (text.length() != 64) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The answer for one range of a {@link ProveContent}: SHA-256(nonce ‖ content[range]) in hex, reading
     * {@code content} by position through {@code buffer}.
     *
     * @throws EOFException if the content ends before the range does
     */
    public static String rangeProof(byte[] nonce, FileChannel content, ProveContent.Range range, ByteBuffer buffer)
            throws IOException {
        MessageDigest digest = newDigest();
        digest.update(nonce);
        update(digest, content, range.offset(), range.length(), buffer);
        return hex(digest.digest());
    }

    /**
     * The SHA-256 of the first {@code length} bytes of {@code content} in hex, read by position through a direct
     * buffer of at most {@code bufferLimit} bytes.
     *
     * @throws EOFException if the content ends before
     */
    public static String hexOf(FileChannel content, long length, int bufferLimit) throws IOException {
        MessageDigest digest = newDigest();
        update(digest, content, 0, length, ByteBuffer.allocateDirect((int) Math.clamp(length, 1, bufferLimit)));
        return hex(digest.digest());
    }

    /**
     * Feeds {@code digest} with bytes {@code from} to {@code from + length - 1} of {@code content}, read by position
     * through {@code buffer} (direct, so that the channel reads into it without a copy of its own).
     *
     * @throws EOFException if the content ends before
     */
    public static void update(MessageDigest digest, FileChannel content, long from, long length, ByteBuffer buffer)
            throws IOException {
        long end = from + length;
        for (long position = from; position < end; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = content.read(buffer, position);
            if (n < 0) {
                throw new EOFException("the content ends at byte " + position + ", before " + end);
            }
            digest.update(buffer.flip());
            position += n;
        }
    }

    /** A copy of {@code digest}'s state: hashing more into one leaves the other as it was. */
    public static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalArgumentException("a " + digest.getAlgorithm() + " digest that cannot be cloned", e);
        }
    }
}
