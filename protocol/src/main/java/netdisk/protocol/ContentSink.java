package netdisk.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a receiving loop puts transferred content when the destination lends the buffers: the loop reads the socket
 * straight into {@link #buffer()} and gives it back, filled, to {@link #accept}. A destination that hashes what it
 * stores ({@link BackgroundDigest}) can then hand the very buffer it wrote to its hashing thread, instead of copying
 * every byte for it.
 *
 * <p>One thread uses a sink: {@code buffer}, fill, {@code accept}, again; never two buffers out at once.
 */
public interface ContentSink {

    /** A cleared buffer to read the next content into; the caller may lower its limit. */
    ByteBuffer buffer() throws IOException;

    /**
     * Stores all of {@code filled} from its position to its limit and takes it back: the caller must not touch it
     * afterwards. {@code filled} is the buffer that {@link #buffer()} last returned.
     */
    void accept(ByteBuffer filled) throws IOException;
}
