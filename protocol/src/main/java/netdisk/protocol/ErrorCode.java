package netdisk.protocol;

import java.util.Optional;

/**
 * The reasons a server gives in an {@link ErrorReply}.
 *
 * <p>The numbers are part of the wire contract and never change meaning. They travel as a raw
 * {@code u32} in {@link ErrorReply#code()} rather than as this enum, so that a client built
 * against an older minor version can still receive, print and pass on a code that was added
 * later; {@link #of(int)} tells whether the number is one this implementation knows.
 */
public enum ErrorCode {

    /** A malformed frame or a frame that breaks the protocol's rules (such as no {@link Hello} first). */
    PROTOCOL_ERROR(1),

    /** A message type that the receiver does not know or does not accept. */
    UNSUPPORTED(2),

    /** The client's major version differs from the server's; the server closes the connection. */
    VERSION_MISMATCH(3),

    /** Every worker is busy and the wait queue is full; the server closes the connection. */
    SERVER_BUSY(4),

    /** The server is stopping; the server closes the connection. */
    SHUTTING_DOWN(5),

    /** An unexpected server fault; the message carries an incident id that is in the server log. */
    INTERNAL(6),

    /** The peer did not act in time, e.g. no {@link Hello} within the handshake timeout. */
    TIMEOUT(7),

    /** The path names no file (or a file became unreadable). */
    NOT_FOUND(8),

    /** The path is refused: {@code ..}, an absolute path, NUL, an empty or over-long name, a symbolic link. */
    BAD_PATH(9),

    /** The path names a directory where a file is needed. */
    IS_A_DIRECTORY(10),

    /** The server has no space left to store the upload. */
    NO_SPACE(11),

    /** The server could not read or write its storage; the message says what. */
    STORAGE_ERROR(12),

    /**
     * The transfer cannot be done as asked (an offset past the end), or the upload's content or content proof does not
     * match what was announced; nothing was stored.
     */
    TRANSFER_FAILED(13),

    /** The request needs a logged-in session ({@link Login}); nothing was done. Since 1.1. */
    AUTH_REQUIRED(14),

    /** Wrong user name or secret; deliberately the same answer for both. */
    LOGIN_FAILED(15),

    /** Too many failed logins for this user or from this address; the message says when to try again. */
    TOO_MANY_ATTEMPTS(16),

    /** Something of that name already exists (a directory where a move or copy should land, a user name). */
    ALREADY_EXISTS(17),

    /** A directory was needed on the path. */
    NOT_A_DIRECTORY(18),

    /** A directory to delete has entries, and the delete was not recursive. */
    NOT_EMPTY(19),

    /** The user's quota would be exceeded; the message gives the numbers. */
    QUOTA_EXCEEDED(20),

    /** Self-registration is off on this server. */
    REGISTRATION_CLOSED(21),

    /** The request cannot be done as asked: a directory into itself, the root deleted or moved. */
    INVALID_OPERATION(22),

    /** A new account's user name or password does not meet the server's rules; the message says which and why. */
    ACCOUNT_REFUSED(23);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /**
     * The number this error travels as.
     *
     * @return the stable wire number
     */
    public int code() {
        return code;
    }

    /**
     * Looks a wire number up.
     *
     * @param code the number from an {@link ErrorReply}
     * @return the error code, or empty for a number this implementation does not know
     */
    public static Optional<ErrorCode> of(int code) {
        for (ErrorCode candidate : values()) {
            if (candidate.code == code) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
