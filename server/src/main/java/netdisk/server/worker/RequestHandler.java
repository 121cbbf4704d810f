package netdisk.server.worker;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Hello;
import netdisk.protocol.Message;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;

/** Turns one request of a welcomed session into its answer: message type → typed call → reply. */
final class RequestHandler {

    private final WorkerIdentity identity;

    RequestHandler(WorkerIdentity identity) {
        this.identity = identity;
    }

    Message handle(Message request) {
        return switch (request) {
            case Ping ping -> new Pong(ping.token());
            case Hello hello -> ErrorReply.of(ErrorCode.PROTOCOL_ERROR, "already greeted by " + identity.label());
            default -> ErrorReply.of(ErrorCode.UNSUPPORTED,
                    request.getClass().getSimpleName() + " is not a request a client can send");
        };
    }
}
