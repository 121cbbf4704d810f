package netdisk.client.cli;

import java.io.IOException;

/** The user pressed Ctrl-C in the shell while a command ran: the command stops, the shell goes on. */
final class CancelledException extends IOException {

    CancelledException() {
        super("cancelled");
    }

    /** A cancel that has more to say, such as what it left to resume from. */
    CancelledException(String message) {
        super(message);
    }
}
