package netdisk.client;

import java.io.IOException;

/** A transfer stopped before all its content moved: the server closed the connection, or went silent. */
public final class TransferInterruptedException extends IOException {

    public TransferInterruptedException(String message) {
        super(message);
    }

    public TransferInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
