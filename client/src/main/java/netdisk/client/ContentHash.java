package netdisk.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import netdisk.protocol.BackgroundDigest;
import netdisk.protocol.ContentProof;
import netdisk.protocol.ProveContent;
import netdisk.protocol.Sha256;
import netdisk.protocol.Threads;

/**
 * SHA-256 of local content, as {@link NetdiskClient#putFile} needs it: the whole content's, announced before an
 * upload so that the server can check what it receives and recognise content it already stores, and the hashes of a
 * {@link ProveContent} challenge. The content is read by position through one buffer of at most 1 MiB, or from
 * {@value #READ_AHEAD_FROM} bytes on into the few buffers of a {@link BackgroundDigest} that hashes on its own thread
 * while the next one is read: never the whole file in memory, and the channel's own position is left alone (the
 * upload reads the same channel).
 */
public final class ContentHash {

    /** Hears how far hashing got; may throw to stop it (a cancel). */
    @FunctionalInterface
    public interface Progress {

        /** Does nothing. */
        Progress NONE = bytes -> {
        };

        /** {@code bytes} more were hashed. */
        void hashed(long bytes) throws IOException;
    }

    private static final int BUFFER = 1 << 20;
    /** From this length on, the file is read on this thread and hashed on another ({@link BackgroundDigest}). */
    static final long READ_AHEAD_FROM = 4L << 20;

    private ContentHash() {
    }

    /**
     * The SHA-256 of bytes 0 to {@code size - 1} of {@code source}, in lower-case hex.
     *
     * @throws IOException if the file cannot be read, or ends before {@code size} bytes (it shrank)
     */
    public static String of(FileChannel source, long size, Progress progress) throws IOException {
        return Sha256.hex(digestOf(source, size, progress).digest());
    }

    /**
     * A SHA-256 digest fed with bytes 0 to {@code length - 1} of {@code source}, not finished: a resumed download
     * goes on hashing the rest of the file into it ({@link MessageDigest#clone} it for the hash of the bytes alone).
     *
     * @throws IOException if the file cannot be read, or ends before {@code length} bytes (it shrank)
     */
    public static MessageDigest digestOf(FileChannel source, long length, Progress progress) throws IOException {
        MessageDigest digest = newDigest();
        if (length < READ_AHEAD_FROM) {
            update(digest, source, 0, length, buffer(length), progress);
            return digest;
        }
        try (BackgroundDigest background = new BackgroundDigest(digest)) {
            readInto(background, source, length, progress);
            return background.complete();
        }
    }

    /**
     * Reads bytes 0 to {@code length - 1} of {@code source} into {@code background}'s own buffers, which its thread
     * hashes while this one reads the next: the read (a copy out of the page cache, or a wait for the disk) and the
     * hashing overlap, instead of taking turns on one thread.
     */
    private static void readInto(BackgroundDigest background, FileChannel source, long length, Progress progress)
            throws IOException {
        for (long position = 0; position < length; ) {
            ByteBuffer buffer = background.buffer();
            buffer.limit((int) Math.min(buffer.capacity(), length - position));
            int n = source.read(buffer, position);
            if (n < 0) {
                throw shrank(position, length);
            }
            background.hash(buffer.flip());
            position += n;
            progress.hashed(n);
        }
    }

    private static IOException shrank(long position, long end) {
        return new IOException("the local file ended at byte " + position + " of " + end
                + ": it shrank while being read");
    }

    /** Whether {@code text} is a SHA-256 as the protocol writes it: 64 lower-case hex digits. */
    public static boolean isSha256(String text) {
        return Sha256.isHex(text);
    }

    /**
     * The answer to {@code challenge} for the first {@code size} bytes of {@code source}: for each range,
     * SHA-256(nonce ‖ the range's bytes).
     *
     * @throws IOException if the challenge is not one this content can answer (a nonce that is not hex, a range past
     *                     {@code size}), or the file cannot be read or ends early
     */
    static ContentProof proof(FileChannel source, long size, ProveContent challenge) throws IOException {
        byte[] nonce;
        try {
            nonce = HexFormat.of().parseHex(challenge.nonce());
        } catch (IllegalArgumentException e) {
            throw new IOException("the server's proof challenge has a nonce that is not hex: " + challenge.nonce(), e);
        }
        long longest = 0;
        for (ProveContent.Range range : challenge.ranges()) {
            if (range.offset() > size || range.length() > size - range.offset()) {
                throw new IOException("the server asked to prove bytes " + range.offset() + " to "
                        + (range.offset() + range.length() - 1) + " of content of " + size + " bytes");
            }
            longest = Math.max(longest, range.length());
        }
        ByteBuffer buffer = buffer(longest);
        List<String> hashes = new ArrayList<>(challenge.ranges().size());
        for (ProveContent.Range range : challenge.ranges()) {
            hashes.add(Sha256.rangeProof(nonce, source, range, buffer));
        }
        return new ContentProof(hashes);
    }

    /**
     * Feeds {@code digest} (which may hold bytes {@code 0..from-1} already) with bytes {@code from} to {@code to - 1}
     * of {@code source} on a thread of its own, read by position, while the caller sends the same bytes: a streamed
     * upload reads its file once from the disk (the second read finds the pages cached) and hashes beside sending.
     */
    static Beside beside(MessageDigest digest, FileChannel source, long from, long to) {
        return new Beside(digest, source, from, to);
    }

    /** The hashing of {@link #beside}: {@link #finish} waits for it, {@link #close} stops it. */
    static final class Beside implements AutoCloseable {

        private final Thread thread;
        private volatile boolean stopped;
        /** Set by the thread before it ends; read after {@link Thread#join}. */
        private String sha256;
        private IOException failure;

        private Beside(MessageDigest digest, FileChannel source, long from, long to) {
            thread = Thread.ofPlatform().daemon().name("upload-hash").start(() -> {
                try {
                    update(digest, source, from, to - from, buffer(to - from), hashed -> {
                        if (stopped) {
                            throw new InterruptedIOException("hashing stopped");
                        }
                    });
                    sha256 = hex(digest.digest());
                } catch (IOException e) {
                    failure = e;
                }
            });
        }

        /**
         * Waits for the hashing to end; the digest of all the bytes, in hex.
         *
         * @throws IOException if the file could not be read or ended early (it shrank)
         */
        String finish() throws IOException {
            join();
            if (failure != null) {
                throw failure;
            }
            return sha256;
        }

        /** Stops the hashing (an upload that failed) and waits for its thread. */
        @Override
        public void close() {
            stopped = true;
            join();
        }

        private void join() {
            Threads.joinUninterruptibly(thread);
        }
    }

    static MessageDigest newDigest() {
        return Sha256.newDigest();
    }

    /** A copy of {@code digest}'s state: hashing more into one leaves the other as it was. */
    static MessageDigest copy(MessageDigest digest) {
        return Sha256.copy(digest);
    }

    static String hex(byte[] digest) {
        return Sha256.hex(digest);
    }

    /** A direct buffer: the channel reads into it without a copy of its own. */
    private static ByteBuffer buffer(long needed) {
        return ByteBuffer.allocateDirect((int) Math.clamp(needed, 1, BUFFER));
    }

    private static void update(MessageDigest digest, FileChannel source, long from, long length, ByteBuffer buffer,
            Progress progress) throws IOException {
        long end = from + length;
        for (long position = from; position < end; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int n = source.read(buffer, position);
            if (n < 0) {
                throw shrank(position, end);
            }
            digest.update(buffer.flip());
            position += n;
            progress.hashed(n);
        }
    }
}
