package netdisk.protocol;

import java.io.IOException;

/**
 * A peer sent bytes that break the wire format.
 *
 * <p>It is an {@link IOException} because it is found while reading a connection and a reader's
 * callers handle it where they handle the connection failing. The subclasses differ in what the
 * receiver can do next, which {@link #recoverable()} answers: if the broken frame could be
 * skipped, the stream is still in step and the connection can carry on after an
 * {@link ErrorReply}; if not, nothing that follows can be trusted and the connection must be
 * closed. {@link #errorCode()} and {@link #requestId()} give what that {@link ErrorReply} carries.
 */
public abstract sealed class ProtocolException extends IOException
        permits FrameLengthException, UnknownMessageTypeException, MalformedFrameException {

    /** The offending frame's request id, or 0 when unknown. */
    private final int requestId;

    ProtocolException(String message, int requestId) {
        super(message);
        this.requestId = requestId;
    }

    /**
     * The request id of the offending frame, to be echoed in the {@link ErrorReply}.
     *
     * @return the frame's request id, or {@link Frame#NO_REQUEST_ID} when it could not be read
     */
    public int requestId() {
        return requestId;
    }

    /**
     * Tells whether the offending frame was consumed whole, so that the next byte starts the next
     * frame and the connection can carry on.
     *
     * @return {@code true} when the stream is still in step
     */
    public abstract boolean recoverable();

    /**
     * The error code with which to answer the offending frame.
     *
     * @return the code for the {@link ErrorReply}
     */
    public abstract ErrorCode errorCode();
}
