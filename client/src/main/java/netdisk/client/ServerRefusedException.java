package netdisk.client;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;

/** The server answered with an {@link ErrorReply}: busy, shutting down, incompatible version, and so on. */
public final class ServerRefusedException extends IOException {

    private final ErrorReply reply;

    public ServerRefusedException(ErrorReply reply) {
        super(describe(reply));
        this.reply = reply;
    }

    public ErrorReply reply() {
        return reply;
    }

    public Optional<ErrorCode> code() {
        return reply.errorCode();
    }

    /** The code's name and the server's message; the name once if the message starts with it already. */
    private static String describe(ErrorReply reply) {
        String name = reply.errorCode().map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .orElse("error " + reply.code());
        String message = reply.message();
        return message.toLowerCase(Locale.ROOT).startsWith(name) ? message : name + ": " + message;
    }
}
