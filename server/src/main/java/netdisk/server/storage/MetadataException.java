package netdisk.server.storage;

import java.util.Objects;

/**
 * A metadata operation that was refused or failed. The {@link Reason} is what a session maps to a wire status; the
 * message is for humans and logs. A refused operation changed nothing (its transaction was rolled back).
 */
public final class MetadataException extends Exception {

    /** Why an operation did not happen. */
    public enum Reason {
        /** No such user or node (or it belongs to someone else, which looks the same). */
        NOT_FOUND,
        /** The name (or user name) is taken. */
        ALREADY_EXISTS,
        /** A directory was needed. */
        NOT_A_DIRECTORY,
        /** A file was needed. */
        IS_A_DIRECTORY,
        /** A directory to delete is not empty and the delete was not recursive. */
        NOT_EMPTY,
        /** A move that would make a cycle, or a move, copy or delete of a root. */
        INVALID_OPERATION,
        /** The change would take the owner's files over their quota. */
        QUOTA_EXCEEDED,
        /** The database failed; not the caller's fault. */
        STORAGE_ERROR
    }

    private final Reason reason;

    public MetadataException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
        this.reason = Reason.STORAGE_ERROR;
    }

    public Reason reason() {
        return reason;
    }
}
