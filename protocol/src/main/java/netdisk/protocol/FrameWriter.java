package netdisk.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Writes frames to a blocking channel, each one whole.
 *
 * <p>{@link #write(Frame)} is synchronized so that several threads answering on one connection
 * (a request handler and an unsolicited shutdown notice, say) can never interleave the bytes of two
 * frames. Frames are encoded into one reusable buffer that grows to the largest frame written so
 * far, at most {@value Frame#MAX_FRAME_BYTES}. The channel stays the caller's to close.
 */
public final class FrameWriter {

    private static final int INITIAL_CAPACITY = 8 * 1024;

    private final WritableByteChannel channel;
    private final FrameBuffer buffer = new FrameBuffer(INITIAL_CAPACITY);

    /**
     * A writer over a channel.
     *
     * @param channel a channel in blocking mode
     */
    public FrameWriter(WritableByteChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
    }

    /**
     * Encodes a frame and writes all of it.
     *
     * @param frame the frame
     * @throws IllegalArgumentException if the frame cannot be encoded within the protocol's limits;
     *                                  nothing is written then
     * @throws IOException              if writing the channel failed; the connection should then
     *                                  be considered broken, as part of the frame may have been sent
     */
    public synchronized void write(Frame frame) throws IOException {
        FrameEncoder.encodeInto(frame, buffer);
        ByteBuffer bytes = buffer.view();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /**
     * Writes a frame and the raw {@code content} that follows it (a small file's header and bytes) in one gathering
     * write when the channel allows it: one segment on the wire and one wake-up of the reader instead of two.
     *
     * @param frame   the frame
     * @param content the bytes to send right after it, from their position to their limit (consumed)
     * @throws IllegalArgumentException if the frame cannot be encoded within the protocol's limits; nothing is written
     * @throws IOException              if writing the channel failed (the connection is then broken)
     */
    public synchronized void write(Frame frame, ByteBuffer content) throws IOException {
        Objects.requireNonNull(content, "content");
        FrameEncoder.encodeInto(frame, buffer);
        ByteBuffer bytes = buffer.view();
        if (channel instanceof GatheringByteChannel gathering) {
            ByteBuffer[] both = {bytes, content};
            while (bytes.hasRemaining() || content.hasRemaining()) {
                gathering.write(both);
            }
            return;
        }
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        while (content.hasRemaining()) {
            channel.write(content);
        }
    }
}
