package netdisk.server.files;

import java.io.IOException;
import java.util.Objects;

import netdisk.protocol.ErrorCode;

/** A request about a file that the file area refuses or cannot serve; carries the wire error code to answer with. */
public final class FileAreaException extends IOException {

    private final ErrorCode code;

    public FileAreaException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
