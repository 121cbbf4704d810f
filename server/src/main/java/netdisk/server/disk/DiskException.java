package netdisk.server.disk;

import java.util.Objects;

import netdisk.protocol.ErrorCode;
import netdisk.server.storage.MetadataException;

/**
 * A disk operation that was refused or failed, with the wire error code a session answers and a message for the
 * user. A refused operation changed nothing.
 */
public final class DiskException extends Exception {

    private final ErrorCode code;
    private final boolean answered;

    public DiskException(ErrorCode code, String message) {
        this(code, message, null, false);
    }

    public DiskException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, false);
    }

    private DiskException(ErrorCode code, String message, Throwable cause, boolean answered) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.answered = answered;
    }

    /** The same refusal, marked as already sent to the client (an upload refused while its content arrives). */
    public DiskException answered() {
        return new DiskException(code, getMessage(), getCause(), true);
    }

    /** Whether the client was already told; then the session only records it. */
    public boolean isAnswered() {
        return answered;
    }

    /** The metadata store's refusal, as the client will see it. */
    static DiskException of(MetadataException e) {
        ErrorCode code = switch (e.reason()) {
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
            case NOT_A_DIRECTORY -> ErrorCode.NOT_A_DIRECTORY;
            case IS_A_DIRECTORY -> ErrorCode.IS_A_DIRECTORY;
            case NOT_EMPTY -> ErrorCode.NOT_EMPTY;
            case INVALID_OPERATION -> ErrorCode.INVALID_OPERATION;
            case QUOTA_EXCEEDED -> ErrorCode.QUOTA_EXCEEDED;
            case STORAGE_ERROR -> ErrorCode.STORAGE_ERROR;
        };
        return new DiskException(code, e.getMessage(), e);
    }

    public ErrorCode code() {
        return code;
    }
}
