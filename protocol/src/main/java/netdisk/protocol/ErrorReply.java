package netdisk.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * Tells the peer that a request failed, or, with request id 0, that something happened that no
 * request asked about (server busy, shutting down, handshake timeout).
 *
 * <pre>
 * +--------------+----------------------------------+
 * | code (u32)   | message (string)                 |
 * |              | u16 byte length + UTF-8          |
 * +--------------+----------------------------------+
 * </pre>
 *
 * <p>The code is kept as a raw number rather than an {@link ErrorCode} so that a code added by a
 * newer peer survives decoding and can still be shown; {@link #errorCode()} interprets it.
 *
 * @param code    the error number, see {@link ErrorCode}; a u32 carried in the int's bits
 * @param message a human-readable explanation; may be empty
 */
public record ErrorReply(int code, String message) implements Message {

    /**
     * Checks the components.
     */
    public ErrorReply {
        Objects.requireNonNull(message, "message");
    }

    /**
     * An error reply for a known error code.
     *
     * @param code    the reason
     * @param message a human-readable explanation
     * @return the reply
     */
    public static ErrorReply of(ErrorCode code, String message) {
        Objects.requireNonNull(code, "code");
        return new ErrorReply(code.code(), message);
    }

    /**
     * Interprets {@link #code()}.
     *
     * @return the error code, or empty when the number is unknown to this implementation
     */
    public Optional<ErrorCode> errorCode() {
        return ErrorCode.of(code);
    }
}
