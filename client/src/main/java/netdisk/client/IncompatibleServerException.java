package netdisk.client;

import java.io.IOException;

/** The peer is not a netdisk server, or speaks a protocol version this client cannot. */
public final class IncompatibleServerException extends IOException {

    public IncompatibleServerException(String message) {
        super(message);
    }

    public IncompatibleServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
