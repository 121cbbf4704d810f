package netdisk.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;

/** The {@link ContentSink}s of a receiving client: into a channel, hashed on the way or not, flushed behind or not. */
public final class ContentSinks {

    /** Buffers of at most this many bytes are on the heap. */
    public static final int SMALL_BUFFER = 64 * 1024;

    private ContentSinks() {
    }

    /** Writes into {@code out} from one direct buffer of {@code capacity} bytes; hashes nothing. */
    public static ContentSink into(WritableByteChannel out, int capacity) {
        return new Hashed(out, null, capacity);
    }

    /** Writes into {@code out} and hashes into {@code digest} on the caller's thread, from one direct buffer. */
    public static ContentSink hashedInline(WritableByteChannel out, MessageDigest digest, int capacity) {
        return new Hashed(out, digest, capacity);
    }

    /**
     * As {@link #hashedInline(WritableByteChannel, MessageDigest, int)}, through {@code buffer}, which the caller
     * reuses from one small file to the next (a buffer allocated and zeroed per file cost 3 % of a {@code get -r}).
     */
    public static ContentSink hashedInline(WritableByteChannel out, MessageDigest digest, ByteBuffer buffer) {
        return new Hashed(out, digest, buffer);
    }

    /**
     * Writes into {@code out} from {@code digest}'s own buffers, each then handed to its hashing thread as it is: the
     * content is read once into memory and never copied there.
     */
    public static ContentSink hashedBeside(WritableByteChannel out, BackgroundDigest digest) {
        return new ContentSink() {
            @Override
            public ByteBuffer buffer() throws IOException {
                return digest.buffer();
            }

            @Override
            public void accept(ByteBuffer filled) throws IOException {
                int start = filled.position();
                writeFully(out, filled);
                digest.hash(filled.position(start));
            }
        };
    }

    /**
     * {@code sink}, telling {@code flusher} how much went through it, so that it flushes the file behind the writes;
     * a flush that failed fails the next {@code accept}.
     */
    public static ContentSink flushedBehind(ContentSink sink, WriteBehind flusher) {
        return new ContentSink() {
            private long written;

            @Override
            public ByteBuffer buffer() throws IOException {
                return sink.buffer();
            }

            @Override
            public void accept(ByteBuffer filled) throws IOException {
                int length = filled.remaining();
                sink.accept(filled);
                written += length;
                flusher.written(written);
                if (flusher.failure() != null) {
                    throw flusher.failure();
                }
            }
        };
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            out.write(source);
        }
    }

    /** One buffer of its own, reused; the bytes hashed on the caller's thread after they were written, if at all. */
    private static final class Hashed implements ContentSink {

        private final WritableByteChannel out;
        private final MessageDigest digest;
        private final ByteBuffer buffer;

        Hashed(WritableByteChannel out, MessageDigest digest, int capacity) {
            // a small file's buffer on the heap: a direct one per file costs more than the copy it saves
            this(out, digest, capacity <= SMALL_BUFFER ? ByteBuffer.allocate(Math.max(1, capacity))
                    : ByteBuffer.allocateDirect(capacity));
        }

        Hashed(WritableByteChannel out, MessageDigest digest, ByteBuffer buffer) {
            this.out = out;
            this.digest = digest;
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer buffer() {
            return buffer.clear();
        }

        @Override
        public void accept(ByteBuffer filled) throws IOException {
            int start = filled.position();
            writeFully(out, filled);
            if (digest != null) {
                digest.update(filled.position(start));
            }
        }
    }
}
