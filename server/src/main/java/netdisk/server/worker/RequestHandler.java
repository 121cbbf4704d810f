package netdisk.server.worker;

import java.io.IOException;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.GetRequest;
import netdisk.protocol.Hello;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.PutRequest;

/** Serves one request of a welcomed session: message type → typed call → answer(s). */
final class RequestHandler {

    private final WorkerIdentity identity;
    private final FileTransfers transfers;

    RequestHandler(WorkerIdentity identity, FileTransfers transfers) {
        this.identity = identity;
        this.transfers = transfers;
    }

    /**
     * @throws TransferAbortedException when a transfer broke off in its raw content (the session must end)
     * @throws IOException when the connection fails
     */
    void handle(Frame request, SessionIo io, String who) throws IOException {
        int id = request.requestId();
        switch (request.message()) {
            case Ping ping -> io.reply(id, new Pong(ping.token()));
            case GetRequest get -> transfers.download(id, get, io, who);
            case PutRequest put -> transfers.upload(id, put, io, who);
            case Hello hello -> io.reply(id, ErrorReply.of(ErrorCode.PROTOCOL_ERROR,
                    "already greeted by " + identity.label()));
            default -> io.reply(id, ErrorReply.of(ErrorCode.UNSUPPORTED,
                    request.message().getClass().getSimpleName() + " is not a request a client can send"));
        }
    }
}
