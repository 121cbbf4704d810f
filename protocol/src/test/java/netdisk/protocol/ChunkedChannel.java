package netdisk.protocol;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * A channel over fixed bytes that hands them out in chunks of chosen sizes, like a network that
 * splits a stream anywhere. It turns reader behaviour that would hang on a real socket into an
 * {@link AssertionError}: reading into a full buffer, reading on and on after end of stream, or,
 * for a channel {@linkplain #withoutEnd(byte[]) without an end}, waiting for more bytes.
 */
final class ChunkedChannel implements ReadableByteChannel {

    private static final int EOF_READS_ALLOWED = 3;

    private final byte[] data;
    private final IntSupplier chunkSize;
    private final boolean ends;
    private int delivered;
    private int eofReads;
    private int reads;

    private ChunkedChannel(byte[] data, IntSupplier chunkSize, boolean ends) {
        this.data = data.clone();
        this.chunkSize = chunkSize;
        this.ends = ends;
    }

    static ChunkedChannel oneByteAtATime(byte[] data) {
        return new ChunkedChannel(data, () -> 1, true);
    }

    static ChunkedChannel whole(byte[] data) {
        return new ChunkedChannel(data, () -> Integer.MAX_VALUE, true);
    }

    static ChunkedChannel randomChunks(byte[] data, Random random) {
        return new ChunkedChannel(data,
                () -> random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(4096), true);
    }

    /** After its bytes, this channel does not end: a reader asking for more would block forever. */
    static ChunkedChannel withoutEnd(byte[] data) {
        return new ChunkedChannel(data, () -> Integer.MAX_VALUE, false);
    }

    @Override
    public int read(ByteBuffer dst) {
        reads++;
        if (!dst.hasRemaining()) {
            throw new AssertionError("read into a full buffer: a real channel would return 0 forever");
        }
        if (delivered == data.length) {
            if (!ends) {
                throw new AssertionError("reader waited for bytes that are not coming");
            }
            if (++eofReads > EOF_READS_ALLOWED) {
                throw new AssertionError("reader keeps reading after end of stream");
            }
            return -1;
        }
        int n = Math.min(Math.min(chunkSize.getAsInt(), data.length - delivered), dst.remaining());
        dst.put(data, delivered, n);
        delivered += n;
        return n;
    }

    int delivered() {
        return delivered;
    }

    int reads() {
        return reads;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
