package netdisk.protocol;

/**
 * A frame's length field is outside {@value Frame#MIN_FRAME_LENGTH} to
 * {@value Frame#MAX_FRAME_LENGTH}.
 *
 * <p>Fatal: without a trustworthy length there is no way to find where the next frame starts, so
 * the stream cannot be resynchronised. It is reported as soon as the four length bytes arrive,
 * before anything is allocated for the body or the body is waited for, so that a peer cannot make
 * the receiver hold a large buffer or wait for bytes that will never come.
 */
public final class FrameLengthException extends ProtocolException {

    /** The length field as an unsigned value. */
    private final long length;

    /**
     * Creates the exception.
     *
     * @param length the length field as an unsigned value
     */
    public FrameLengthException(long length) {
        super("frame length " + length + " outside " + Frame.MIN_FRAME_LENGTH + ".." + Frame.MAX_FRAME_LENGTH,
                Frame.NO_REQUEST_ID);
        this.length = length;
    }

    /**
     * The offending length field.
     *
     * @return the length field read as an unsigned 32-bit value
     */
    public long length() {
        return length;
    }

    /**
     * Always {@code false}: the stream cannot be resynchronised.
     *
     * @return {@code false}
     */
    @Override
    public boolean recoverable() {
        return false;
    }

    /**
     * The code for a broken frame.
     *
     * @return {@link ErrorCode#PROTOCOL_ERROR}
     */
    @Override
    public ErrorCode errorCode() {
        return ErrorCode.PROTOCOL_ERROR;
    }
}
