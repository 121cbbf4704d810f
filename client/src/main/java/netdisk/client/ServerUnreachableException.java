package netdisk.client;

import java.io.IOException;

/** The server could not be reached at all: unknown host, connection refused, connect timeout. */
public final class ServerUnreachableException extends IOException {

    public ServerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
