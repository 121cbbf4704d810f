package netdisk.server.worker;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal errors: the stack trace goes to the server log under a short incident id, and only the id reaches the
 * client, so that an operator can find what a user reports without the client ever seeing server internals.
 */
final class Incidents {

    private static final Logger log = LoggerFactory.getLogger(Incidents.class);

    private Incidents() {
    }

    static String report(String where, Throwable error) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        log.error("incident {} in {}", id, where, error);
        return id;
    }
}
