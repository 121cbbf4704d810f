package netdisk.protocol;

/**
 * A well-framed frame carries a type byte this implementation does not know.
 *
 * <p>Recoverable: the frame has been consumed whole, so the connection can answer
 * {@link ErrorCode#UNSUPPORTED} and carry on. This is what lets a newer minor version of a peer
 * try a message and fall back when the other side is older.
 */
public final class UnknownMessageTypeException extends ProtocolException {

    /** The unknown type byte as an unsigned value. */
    private final int type;

    /**
     * Creates the exception.
     *
     * @param requestId the frame's request id
     * @param type      the frame's type byte as an unsigned value
     */
    public UnknownMessageTypeException(int requestId, int type) {
        super("unknown message type " + type, requestId);
        this.type = type;
    }

    /**
     * The unknown type byte.
     *
     * @return the type byte as an unsigned value, 0 to 255
     */
    public int type() {
        return type;
    }

    /**
     * Always {@code true}: the frame was consumed.
     *
     * @return {@code true}
     */
    @Override
    public boolean recoverable() {
        return true;
    }

    /**
     * The code for a message the receiver cannot handle.
     *
     * @return {@link ErrorCode#UNSUPPORTED}
     */
    @Override
    public ErrorCode errorCode() {
        return ErrorCode.UNSUPPORTED;
    }
}
