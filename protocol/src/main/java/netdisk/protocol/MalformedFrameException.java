package netdisk.protocol;

import java.util.Objects;

/**
 * A frame of a known type whose payload does not match that type: too short, trailing bytes, a
 * bad magic number or malformed UTF-8.
 *
 * <p>Recoverable: the length field was valid, so the frame has been consumed whole and the next
 * frame starts right after it. The connection can answer {@link ErrorCode#PROTOCOL_ERROR} with the
 * frame's request id and carry on; whether it should is the peer's policy.
 */
public final class MalformedFrameException extends ProtocolException {

    /** The type the frame claimed to be. */
    private final MessageType type;

    /**
     * Creates the exception.
     *
     * @param requestId the frame's request id
     * @param type      the type the frame claimed to be
     * @param detail    what is wrong with the payload
     */
    public MalformedFrameException(int requestId, MessageType type, String detail) {
        super("malformed " + Objects.requireNonNull(type, "type") + " frame: "
                + Objects.requireNonNull(detail, "detail"), requestId);
        this.type = type;
    }

    /**
     * The type the frame claimed to be.
     *
     * @return the frame's message type
     */
    public MessageType type() {
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
     * The code for a broken frame.
     *
     * @return {@link ErrorCode#PROTOCOL_ERROR}
     */
    @Override
    public ErrorCode errorCode() {
        return ErrorCode.PROTOCOL_ERROR;
    }
}
