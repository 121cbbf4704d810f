package netdisk.client;

import java.io.IOException;

/**
 * A remote path or name that the client refuses before sending it: a name over 255 UTF-8 bytes, a NUL, text that is
 * not valid Unicode. The server would refuse it too ({@code BAD_PATH}); saying so here gives a clearer message.
 */
public final class InvalidRemotePathException extends IOException {

    public InvalidRemotePathException(String message) {
        super(message);
    }
}
