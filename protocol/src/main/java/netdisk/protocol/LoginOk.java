package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client: the session is now logged in as {@code user}.
 *
 * <pre>
 * +------------------------+------------------------+-------------------------+
 * | user (string)          | token (string)         | token expires (u64)     |
 * +------------------------+------------------------+-------------------------+
 * </pre>
 *
 * The token lets later connections log in ({@link Login#TOKEN}) without the password until it expires or the user
 * logs out; a client that keeps it must store it where only its user can read it.
 *
 * @param user          the account name, as stored by the server
 * @param token         a bearer token for {@link Login#TOKEN}
 * @param tokenExpires  when the token expires, in milliseconds since 1970-01-01 UTC; using a token extends it
 */
public record LoginOk(String user, String token, long tokenExpires) implements Message {

    /**
     * @throws IllegalArgumentException if {@code tokenExpires} is negative
     */
    public LoginOk {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(token, "token");
        Wire.checkSize(tokenExpires, "tokenExpires");
    }

    /** The token is left out, so that it never ends up in a log by way of {@code toString}. */
    @Override
    public String toString() {
        return "LoginOk[user=" + user + ", token=(" + token.length() + " chars), tokenExpires=" + tokenExpires + "]";
    }
}
