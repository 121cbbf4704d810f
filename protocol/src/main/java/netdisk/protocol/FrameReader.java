package netdisk.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads frames from a blocking channel, one {@link #read()} per frame.
 *
 * <p>It holds no policy: timeouts, what to answer to a bad frame and whether to carry on after
 * one are the caller's business; protocol errors simply propagate as the
 * {@link ProtocolException} subclasses, with the stream left as {@link FrameDecoder} describes.
 *
 * <p>Memory follows what peers actually send: the buffer starts at
 * {@value #DEFAULT_INITIAL_CAPACITY} bytes and grows only when a frame whose length has been
 * validated does not fit, never beyond {@value Frame#MAX_FRAME_BYTES}. It reads as much as the
 * buffer has room for, so bytes of the following frames may already be buffered when a frame is
 * returned; {@link #buffered()} tells. Not thread-safe: one reader per connection, used by one
 * thread at a time. The channel stays the caller's to close.
 */
public final class FrameReader {

    /** The buffer size a reader starts with. */
    public static final int DEFAULT_INITIAL_CAPACITY = 8 * 1024;

    private final ReadableByteChannel channel;
    private ByteBuffer buffer;

    /**
     * A reader with the {@linkplain #DEFAULT_INITIAL_CAPACITY default} initial buffer.
     *
     * @param channel a channel in blocking mode
     */
    public FrameReader(ReadableByteChannel channel) {
        this(channel, DEFAULT_INITIAL_CAPACITY);
    }

    /**
     * A reader with a chosen initial buffer.
     *
     * @param channel         a channel in blocking mode
     * @param initialCapacity the starting buffer size, from {@value Frame#LENGTH_FIELD_BYTES} to
     *                        {@value Frame#MAX_FRAME_BYTES}
     */
    public FrameReader(ReadableByteChannel channel, int initialCapacity) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (initialCapacity < Frame.LENGTH_FIELD_BYTES || initialCapacity > Frame.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("initial capacity out of range: " + initialCapacity);
        }
        buffer = ByteBuffer.allocate(initialCapacity).flip();
    }

    /**
     * Returns the next frame, reading from the channel until it is complete.
     *
     * @return the frame, or {@code null} when the channel reached its end exactly between frames
     * @throws EOFException       if the channel reached its end in the middle of a frame
     * @throws ProtocolException  if the peer broke the wire format
     * @throws IOException        if reading the channel failed; the bytes received so far are
     *                            kept, so reading may go on afterwards (after a read timeout, say)
     */
    public Frame read() throws IOException {
        while (true) {
            Optional<Frame> frame = FrameDecoder.decode(buffer);
            if (frame.isPresent()) {
                return frame.get();
            }
            makeRoom(FrameDecoder.requiredBytes(buffer));
            if (fill() < 0) {
                if (buffer.hasRemaining()) {
                    throw new EOFException("connection closed in the middle of a frame");
                }
                return null;
            }
        }
    }

    /**
     * Returns the next frame if it is already buffered or arrives with at most one read of the channel, else
     * {@code null}; for a channel in non-blocking mode, where a read that finds nothing returns 0. Bytes read are
     * kept for the next call of this or {@link #read()}.
     *
     * @return the frame, or {@code null} if it is not complete yet (or the channel reached its end)
     * @throws ProtocolException if the peer broke the wire format
     * @throws IOException       if reading the channel failed
     */
    public Frame poll() throws IOException {
        Optional<Frame> frame = FrameDecoder.decode(buffer);
        if (frame.isPresent()) {
            return frame.get();
        }
        makeRoom(FrameDecoder.requiredBytes(buffer));
        if (fill() <= 0) {
            return null;
        }
        return FrameDecoder.decode(buffer).orElse(null);
    }

    /**
     * The next frame if it is complete in the buffer, of {@code type} and well-formed, else {@code null} and nothing
     * consumed: a frame of another type, or a broken one, stays for {@link #read()} (which reports it as usual).
     * Never reads the channel: for a server collecting the pipelined requests that have already arrived, to serve
     * them together.
     */
    public Frame nextBuffered(MessageType type) {
        int at = buffer.position();
        if (buffer.remaining() < Frame.LENGTH_FIELD_BYTES + 1
                || Byte.toUnsignedInt(buffer.get(at + Frame.LENGTH_FIELD_BYTES)) != type.code()) {
            return null;
        }
        long length = Integer.toUnsignedLong(buffer.getInt(at));
        if (buffer.remaining() < Frame.LENGTH_FIELD_BYTES + length) {
            return null;
        }
        ByteBuffer trial = buffer.duplicate();
        try {
            Optional<Frame> frame = FrameDecoder.decode(trial);
            if (frame.isPresent()) {
                buffer.position(trial.position());
            }
            return frame.orElse(null);
        } catch (ProtocolException e) {
            return null;
        }
    }

    /**
     * Makes the buffer hold at least {@code room} bytes (at most the largest frame) and reads once into its free
     * space: for a channel in non-blocking mode, whatever has arrived. Kept for {@link #read()} and
     * {@link #nextBuffered}.
     *
     * @return what the channel returned: bytes read, 0 for none, -1 at its end
     */
    public int readAvailable(int room) throws IOException {
        int wanted = Math.min(Frame.MAX_FRAME_BYTES, Math.max(room, buffer.remaining()));
        if (wanted > buffer.capacity()) {
            buffer = ByteBuffer.allocate(wanted).put(buffer).flip();
        } else if (buffer.position() > 0) {
            buffer.compact().flip();
        }
        return fill();
    }

    /**
     * Whether a whole next frame is buffered, as far as its length field tells (it may still be malformed): reading it
     * will not wait for the channel. A server answering pipelined requests holds its answers back while this is true,
     * to send them together ({@link FrameWriter#hold}).
     *
     * @return whether the buffer holds at least one complete frame
     */
    public boolean hasFrame() {
        if (buffer.remaining() < Frame.LENGTH_FIELD_BYTES) {
            return false;
        }
        long length = Integer.toUnsignedLong(buffer.getInt(buffer.position()));
        return buffer.remaining() - Frame.LENGTH_FIELD_BYTES >= length;
    }

    /**
     * The bytes received but not yet returned as frames. Zero means the connection is between
     * requests: nothing of a next frame has arrived.
     *
     * <p>Like the rest of the reader, meant for the reading thread; but the answer is also right
     * when asked by the channel itself from inside a read, which is how a server can tell that its
     * reader is about to wait for a new request rather than for the rest of one.
     *
     * @return the number of buffered bytes
     */
    public int buffered() {
        return buffer.remaining();
    }

    /**
     * Moves bytes that were received after the last frame (up to {@code dst.remaining()}) into {@code dst}. For raw
     * content that follows a header frame (a {@link FileHeader}'s file, a {@link PutReady}'s upload): the reader may
     * already hold its first bytes, which must be taken from here before reading the channel itself.
     *
     * @param dst where to put them
     * @return how many bytes were moved
     */
    public int readBuffered(ByteBuffer dst) {
        int n = Math.min(buffer.remaining(), dst.remaining());
        dst.put(buffer.slice(buffer.position(), n));
        buffer.position(buffer.position() + n);
        return n;
    }

    /**
     * The current size of the internal buffer; for tests and monitoring.
     *
     * @return the buffer's capacity in bytes
     */
    public int capacity() {
        return buffer.capacity();
    }

    /** Ensures that {@code required} bytes, counted from the buffer's position, fit in the buffer. */
    private void makeRoom(int required) {
        if (required > buffer.capacity()) {
            int grown = (int) Math.min(Frame.MAX_FRAME_BYTES, Math.max(required, 2L * buffer.capacity()));
            buffer = ByteBuffer.allocate(grown).put(buffer).flip();
        } else if (buffer.position() + required > buffer.capacity()) {
            buffer.compact().flip();
        }
    }

    /**
     * Reads into the free space after the buffered bytes; returns what the channel returned. The
     * read goes through a view of that space, so that the buffer itself, and with it
     * {@link #buffered()}, stays accurate while the channel is blocked in the read and even if the
     * read fails.
     */
    private int fill() throws IOException {
        ByteBuffer free = buffer.duplicate().position(buffer.limit()).limit(buffer.capacity());
        int n = channel.read(free);
        if (n > 0) {
            buffer.limit(buffer.limit() + n);
        }
        return n;
    }
}
