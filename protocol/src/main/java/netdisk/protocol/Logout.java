package netdisk.protocol;

/**
 * Client → server: end the login and revoke the token this session logged in with or was issued; the connection
 * stays open and is not logged in any more. Answered by {@link Done} (count 1 if a token was revoked, else 0).
 *
 * <p>The payload is empty.
 */
public record Logout() implements Message {
}
