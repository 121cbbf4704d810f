package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client (1.3): a short-lived transfer ticket. A new connection logs in with it ({@link Login#TICKET}) on any
 * worker, and may then transfer files, nothing else, until it expires.
 *
 * <pre>
 * +------------------------+-----------------+
 * | ticket (string)        | expires (u64)   |
 * +------------------------+-----------------+
 * </pre>
 *
 * @param ticket  the ticket; a secret, never logged
 * @param expires when it stops logging connections in, in milliseconds since 1970-01-01 UTC
 */
public record Ticket(String ticket, long expires) implements Message {

    /**
     * @throws IllegalArgumentException if {@code expires} is negative
     */
    public Ticket {
        Objects.requireNonNull(ticket, "ticket");
        Wire.checkSize(expires, "expires");
    }

    /** The ticket is left out, so that it never ends up in a log by way of {@code toString}. */
    @Override
    public String toString() {
        return "Ticket[ticket=(" + ticket.length() + " chars), expires=" + expires + "]";
    }
}
