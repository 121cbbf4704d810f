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
 *
 * <p>A server answering requests that were pipelined may {@link #hold} an answer instead of writing it: held frames go
 * out, before anything else and in order, with the next {@code write} or at {@link #flush()}, so the answers to requests
 * that arrived together leave together, in one segment and one wake-up of the client (as Netty's flush consolidation
 * does). Whoever holds must flush before waiting for the peer. At most {@value #HOLD_LIMIT} bytes are held: past that
 * they are written at once.
 */
public final class FrameWriter {

    private static final int INITIAL_CAPACITY = 8 * 1024;
    /** Held bytes are written once they reach this many. */
    static final int HOLD_LIMIT = 64 * 1024;
    /** A hold buffer larger than this (grown for a burst of answers) is not kept after a flush. */
    private static final int KEPT_HOLD_CAPACITY = 16 * 1024;

    private final WritableByteChannel channel;
    private final FrameBuffer buffer = new FrameBuffer(INITIAL_CAPACITY);
    /** Nothing to send: a buffer of this writer's own, as a position is state. */
    private final ByteBuffer nothing = ByteBuffer.allocate(0);
    /** Frames and content held back, in write mode. */
    private ByteBuffer held = nothing;

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
        write(frame, nothing);
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
        send(buffer.view(), content);
    }

    /**
     * Encodes a frame and keeps it, to be written before anything else by the next {@code write} or by {@link #flush()};
     * written at once if that makes the held bytes reach {@value #HOLD_LIMIT}.
     *
     * @param frame the frame
     * @throws IllegalArgumentException if the frame cannot be encoded within the protocol's limits; nothing is held
     * @throws IOException              if the held bytes were written and that failed (the connection is then broken)
     */
    public synchronized void hold(Frame frame) throws IOException {
        hold(frame, nothing);
    }

    /**
     * As {@link #hold(Frame)}, with the raw {@code content} that follows the frame (consumed).
     *
     * @param frame   the frame
     * @param content the bytes that follow it, from their position to their limit
     * @throws IllegalArgumentException if the frame cannot be encoded within the protocol's limits; nothing is held
     * @throws IOException              if the held bytes were written and that failed (the connection is then broken)
     */
    public synchronized void hold(Frame frame, ByteBuffer content) throws IOException {
        Objects.requireNonNull(content, "content");
        FrameEncoder.encodeInto(frame, buffer);
        ByteBuffer bytes = buffer.view();
        int size = bytes.remaining() + content.remaining();
        if (held.position() + size >= HOLD_LIMIT) {
            send(bytes, content);
            return;
        }
        if (held.remaining() < size) {
            int capacity = Math.max(KEPT_HOLD_CAPACITY, Integer.highestOneBit(held.position() + size - 1) << 1);
            held = ByteBuffer.allocate(capacity).put(held.flip());
        }
        held.put(bytes).put(content);
    }

    /**
     * Writes whatever is held. Nothing to do if nothing is.
     *
     * @throws IOException if writing the channel failed (the connection is then broken)
     */
    public synchronized void flush() throws IOException {
        if (held.position() > 0) { // a session flushes before every read: nothing to do most of the time
            send(nothing, nothing);
        }
    }

    /** Whether frames are held; for tests. */
    synchronized boolean holding() {
        return held.position() > 0;
    }

    /** Writes the held bytes, then {@code first} and {@code second}, all of them; in one gathering write if it can. */
    private void send(ByteBuffer first, ByteBuffer second) throws IOException {
        ByteBuffer before = held.flip();
        try {
            if (channel instanceof GatheringByteChannel gathering) {
                ByteBuffer[] all = {before, first, second};
                while (before.hasRemaining() || first.hasRemaining() || second.hasRemaining()) {
                    gathering.write(all);
                }
                return;
            }
            for (ByteBuffer part : new ByteBuffer[] {before, first, second}) {
                while (part.hasRemaining()) {
                    channel.write(part);
                }
            }
        } finally {
            held = held.capacity() > KEPT_HOLD_CAPACITY ? nothing : held.clear();
        }
    }
}
