package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: create the account {@code user} with {@code password} and log in as it.
 *
 * <pre>
 * +------------------------+------------------------+
 * | user (string)          | password (string)      |
 * +------------------------+------------------------+
 * </pre>
 *
 * Answered by {@link LoginOk}, or by an {@link ErrorReply}: {@code REGISTRATION_CLOSED} (the server's operator did
 * not allow self-registration), {@code ALREADY_EXISTS}, {@code ACCOUNT_REFUSED} (a name or password the server does
 * not accept; the message says why) or {@code TOO_MANY_ATTEMPTS}.
 *
 * @param user     the account name wanted
 * @param password its password; never logged by either side
 */
public record Register(String user, String password) implements Message {

    public Register {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The password is left out, so that it never ends up in a log by way of {@code toString}. */
    @Override
    public String toString() {
        return "Register[user=" + user + ", password=(" + password.length() + " chars)]";
    }
}
