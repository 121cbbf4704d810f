package netdisk.client.session;

import java.util.Objects;

/**
 * What the client keeps between runs for one server: who is logged in, the token that logs in again without the
 * password, when it expires, and the remote working directory (so that a one-shot {@code cd} holds for the next
 * command).
 *
 * @param user             the account name, as the server spelled it
 * @param token            the login token; a bearer secret
 * @param expires          when the token expires, in milliseconds since 1970-01-01 UTC
 * @param workingDirectory the remote working directory, absolute and normalized
 */
public record StoredSession(String user, String token, long expires, String workingDirectory) {

    public StoredSession {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
    }

    /** Whether the token is past its expiry at {@code nowMillis}: then it is not worth sending. */
    public boolean expiredAt(long nowMillis) {
        return expires <= nowMillis;
    }

    public StoredSession withWorkingDirectory(String directory) {
        return new StoredSession(user, token, expires, directory);
    }

    /** The token is left out, so that it never reaches a log or a stack trace. */
    @Override
    public String toString() {
        return "StoredSession[user=" + user + ", token=(" + token.length() + " chars), expires=" + expires
                + ", workingDirectory=" + workingDirectory + "]";
    }
}
