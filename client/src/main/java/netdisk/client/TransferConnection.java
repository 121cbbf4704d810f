package netdisk.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.Ticket;

/**
 * A connection of its own for file transfers, so that the session it belongs to stays free for browsing: logged in
 * with a short-lived transfer ticket that the session issued (protocol 1.3), whichever worker the server gives it to.
 *
 * <p>{@link #client()} keeps it usable for the next request: it renews the ticket on this connection once half of its
 * life has passed, logs in again with a new ticket from the session if it expired anyway (a request that started
 * before is never affected: the server checks tickets when a request starts), and reconnects if the connection broke.
 * Against a server older than 1.3 there are no transfer connections: it then lends the session's own connection.
 *
 * <p>Thread-safe; {@link #close} may be called from any thread, to cancel.
 */
public final class TransferConnection implements AutoCloseable {

    /** Where tickets come from: the user's logged-in session. */
    @FunctionalInterface
    public interface TicketSource {
        Ticket ticket() throws IOException;
    }

    /** How the connection reaches its server. */
    public record Endpoint(String host, int port, Duration timeout) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    private final Endpoint endpoint;
    private final String user;
    private final TicketSource tickets;
    private final LongSupplier clock;
    private final NetdiskClient lent;
    private volatile NetdiskClient client;
    /** When the ticket in use was issued and when it expires, in the local clock's milliseconds. */
    private long issuedAt;
    private long expiresAt;
    private volatile boolean closed;

    private TransferConnection(Endpoint endpoint, String user, TicketSource tickets, LongSupplier clock,
            NetdiskClient lent) {
        this.endpoint = endpoint;
        this.user = Objects.requireNonNull(user, "user");
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lent = lent;
    }

    /**
     * Opens a transfer connection for {@code user}, whose logged-in {@code session} issues the tickets (through
     * {@code tickets}, which may share and cache them); against a server older than 1.3, lends {@code session}.
     */
    public static TransferConnection open(Endpoint endpoint, String user, NetdiskClient session, TicketSource tickets)
            throws IOException {
        if (!session.supportsTransferConnections()) {
            return new TransferConnection(endpoint, user, tickets, System::currentTimeMillis, session);
        }
        var connection = new TransferConnection(endpoint, user, tickets, System::currentTimeMillis, null);
        connection.client();
        return connection;
    }

    /** The connection, logged in and good for the next request. */
    public synchronized NetdiskClient client() throws IOException {
        if (closed) {
            throw new TransferInterruptedException("the transfer connection was closed", null);
        }
        if (lent != null) {
            return lent;
        }
        long now = clock.getAsLong();
        if (client != null && client.isOpen()) {
            if (now < issuedAt + (expiresAt - issuedAt) / 2) {
                return client;
            }
            try {
                accept(client.ticket(), now); // renews this connection's login too
                return client;
            } catch (ServerRefusedException e) {
                if (e.code().filter(code -> code == ErrorCode.AUTH_REQUIRED).isEmpty()) {
                    throw e;
                }
                // expired meanwhile (a long transfer): log in again below, with a new ticket from the session
            }
            logIn(client, now);
            return client;
        }
        closeQuietly(client);
        client = null;
        Ticket ticket = tickets.ticket();
        // the Login goes right behind the Hello: one round trip for both
        NetdiskClient fresh = NetdiskClient.connectWithTicket(endpoint.host(), endpoint.port(), endpoint.timeout(),
                user, ticket.ticket());
        accept(ticket, now);
        client = fresh;
        if (closed) { // a cancel raced with the connect
            closeQuietly(fresh);
            throw new TransferInterruptedException("the transfer connection was closed", null);
        }
        return fresh;
    }

    private void logIn(NetdiskClient connection, long now) throws IOException {
        Ticket ticket = tickets.ticket();
        connection.loginWithTicket(user, ticket.ticket());
        accept(ticket, now);
    }

    private void accept(Ticket ticket, long now) {
        issuedAt = now;
        expiresAt = Math.max(now, ticket.expires());
    }

    /** Closes the connection (a lent session stays open); a transfer running on it fails at once. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(client);
    }

    private static void closeQuietly(NetdiskClient connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (IOException e) {
            // closing: nothing more to do
        }
    }
}
