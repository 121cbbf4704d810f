package netdisk.client.cli;

import java.io.IOException;

/** A problem with a file on the client's side: missing, unreadable, not writable. */
final class LocalFileException extends IOException {

    LocalFileException(String message) {
        super(message);
    }

    LocalFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
