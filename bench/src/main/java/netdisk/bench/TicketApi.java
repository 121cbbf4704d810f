package netdisk.bench;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import netdisk.client.NetdiskClient;

/**
 * The client library's transfer tickets, looked up at run time: {@code NetdiskClient.ticket()} returns a ticket
 * whose {@code ticket()} is the secret, and {@code NetdiskClient.loginWithTicket(user, ticket)} logs a new connection
 * in with it (Login method 3, checked by the server without a database lookup). The driver is compiled against a
 * library that may not have them yet; looking them up here keeps it compiling and running unchanged before and after
 * they land, and lets it say clearly which of the two is missing: the library's methods, or the server's support.
 */
final class TicketApi {

    private final Method issue;
    private final Method login;

    private TicketApi(Method issue, Method login) {
        this.issue = issue;
        this.login = login;
    }

    /**
     * @throws UnavailableException if the client library has no ticket API
     */
    static TicketApi find() throws UnavailableException {
        try {
            return new TicketApi(NetdiskClient.class.getMethod("ticket"),
                    NetdiskClient.class.getMethod("loginWithTicket", String.class, String.class));
        } catch (NoSuchMethodException e) {
            throw new UnavailableException("the client library has no NetdiskClient.ticket() and "
                    + "loginWithTicket(String, String) yet", e);
        }
    }

    /** Asks the server for a ticket on a logged-in session; returns its secret. */
    String issue(NetdiskClient client) throws IOException {
        Object ticket = invoke(issue, client);
        try {
            return (String) ticket.getClass().getMethod("ticket").invoke(ticket);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("NetdiskClient.ticket() returned " + ticket.getClass().getName()
                    + ", which has no String ticket()", e);
        }
    }

    /** Logs {@code client}'s connection in with a ticket. */
    void login(NetdiskClient client, String user, String ticket) throws IOException {
        invoke(login, client, user, ticket);
    }

    private static Object invoke(Method method, NetdiskClient client, Object... args) throws IOException {
        try {
            return method.invoke(client, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(method.getName() + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(method.getName() + " is not accessible", e);
        }
    }

    /** Ticket login cannot be used against this library or this server. */
    static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
