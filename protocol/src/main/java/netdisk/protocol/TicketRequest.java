package netdisk.protocol;

/**
 * Client → server (1.3): asks for a transfer ticket, answered by {@link Ticket}. Empty payload.
 *
 * <p>On a logged-in session it issues a ticket for that user; on a transfer connection (one that logged in with a
 * ticket) it renews: the new ticket also extends the connection's own login.
 */
public record TicketRequest() implements Message {
}
