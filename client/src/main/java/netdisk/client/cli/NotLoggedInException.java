package netdisk.client.cli;

import java.io.IOException;

/** No login could be made: no user known, or no password to be had without a terminal to ask on. */
final class NotLoggedInException extends IOException {

    NotLoggedInException(String message) {
        super(message);
    }
}
