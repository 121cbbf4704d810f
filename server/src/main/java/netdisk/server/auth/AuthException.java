package netdisk.server.auth;

import java.util.Objects;

import netdisk.protocol.ErrorCode;

/** A login or registration that was refused, with the wire error code and a message that is safe to show. */
public final class AuthException extends Exception {

    private final ErrorCode code;

    public AuthException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
