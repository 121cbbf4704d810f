package netdisk.server.worker;

import java.io.IOException;

/**
 * A transfer stopped in the middle of its raw content: the stream is out of step and the session must end (the peer
 * learns of it by the connection closing before the announced size).
 */
final class TransferAbortedException extends IOException {

    TransferAbortedException(String message) {
        super(message);
    }

    TransferAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
