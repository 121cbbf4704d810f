package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: log in as {@code user}, proving it with a password or with a token from an earlier login.
 *
 * <pre>
 * +------------------------+-----------------+------------------------+
 * | user (string)          | method (u8)     | secret (string)        |
 * +------------------------+-----------------+------------------------+
 * </pre>
 *
 * Answered by {@link LoginOk} or by an {@link ErrorReply}: {@code LOGIN_FAILED} (the same answer whether the user
 * does not exist or the secret is wrong), {@code TOO_MANY_ATTEMPTS} (throttled; the message says when to retry) or
 * {@code UNSUPPORTED} (a method this server does not know). A session that is already logged in may log in again,
 * as the same or another user.
 *
 * @param user   the account name
 * @param method {@link #PASSWORD}, {@link #TOKEN} or {@link #TICKET}; other values are answered {@code UNSUPPORTED}
 * @param secret the password, or the token of {@link LoginOk#token()}; never logged by either side
 */
public record Login(String user, int method, String secret) implements Message {

    /** The secret is the account's password. */
    public static final int PASSWORD = 1;

    /** The secret is a token that an earlier {@link LoginOk} issued. */
    public static final int TOKEN = 2;

    /**
     * The secret is a transfer ticket that a {@link Ticket} issued (1.3): the connection may then transfer files, and
     * nothing else, until the ticket expires.
     */
    public static final int TICKET = 3;

    /**
     * @throws IllegalArgumentException if {@code method} does not fit in a u8
     */
    public Login {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        Wire.checkU8(method, "method");
    }

    /** The secret is left out, so that a login never ends up in a log by way of {@code toString}. */
    @Override
    public String toString() {
        return "Login[user=" + user + ", method=" + method + ", secret=(" + secret.length() + " chars)]";
    }
}
