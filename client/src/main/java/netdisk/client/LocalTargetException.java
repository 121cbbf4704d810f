package netdisk.client;

import java.io.IOException;

/**
 * The local side of a download failed: the target's directory is missing or not writable, another download into the
 * same target holds its partial file, or the finished file could not be put in place.
 */
public final class LocalTargetException extends IOException {

    public LocalTargetException(String message) {
        super(message);
    }

    public LocalTargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
