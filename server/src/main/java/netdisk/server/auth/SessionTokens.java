package netdisk.server.auth;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import netdisk.protocol.Sha256;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.MetadataException.Reason;

/**
 * Login tokens: what a client sends instead of its password after logging in once.
 *
 * <p>A token is 32 bytes from {@link SecureRandom}, given to the client as {@value #TOKEN_LENGTH} characters of
 * base64url without padding. The database ({@code sessions}) keeps only the SHA-256 of those 32 bytes: someone who
 * reads a copy of the database (a backup, a stolen disk) cannot log in with what is there. Looking a token up by its
 * hash also means that the time a lookup takes says nothing useful about the tokens stored.
 *
 * <p>Lifetime and renewal (sliding expiry). A token issued with lifetime {@code L} at time {@code t} expires at
 * {@code t + L}: it is valid while {@code now < expires_at}. When a valid token is checked and at least half of its
 * lifetime has passed since it was issued or last renewed ({@code now - last_used_at >= L / 2}), it is renewed:
 * {@code expires_at = now + L}, {@code last_used_at = now}. So a token used at least once per {@code L / 2} never
 * expires, one left unused for {@code L} does, and a check writes to the database at most once per half lifetime,
 * not on every request. {@code L} is not stored on its own: it is always {@code expires_at - last_used_at}.
 *
 * <p>Every change is one transaction; all SQL is prepared statements. Malformed tokens (wrong length, characters
 * outside base64url, a non-canonical last character) are simply not valid: {@link #check} returns empty and
 * {@link #revoke} false, nothing is thrown and the database is not asked.
 */
public final class SessionTokens {

    /** Characters of a token: 32 bytes in base64url without padding. */
    public static final int TOKEN_LENGTH = 43;

    private static final int TOKEN_BYTES = 32;
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** A new token and when it expires unless it is used (and so renewed) before. */
    public record Issued(String token, Instant expiresAt) {

        public Issued {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** Never the token itself, so that logging an {@code Issued} cannot leak it. */
        @Override
        public String toString() {
            return "Issued[token=(hidden), expiresAt=" + expiresAt + "]";
        }
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Tokens in the {@code sessions} table of the migrated {@code dataSource}, timed by {@code clock}. */
    public SessionTokens(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A new token for user {@code userId}, valid for {@code lifetime} (and renewed while used, see above).
     *
     * @throws MetadataException {@code NOT_FOUND} if there is no such user
     */
    public Issued issue(long userId, Duration lifetime) throws MetadataException {
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("session lifetime must be at least 1 ms: " + lifetime);
        }
        long lifetimeMillis = lifetime.toMillis();
        byte[] secret = new byte[TOKEN_BYTES];
        random.nextBytes(secret);
        String hash = sha256Hex(secret);
        long now = clock.millis();
        long expiresAt = Math.addExact(now, lifetimeMillis);
        Transactions.write(dataSource, connection -> {
            try (PreparedStatement user = connection.prepareStatement("SELECT 1 FROM users WHERE id = ?")) {
                user.setLong(1, userId);
                try (ResultSet rows = user.executeQuery()) {
                    if (!rows.next()) {
                        throw new MetadataException(Reason.NOT_FOUND, "no such user: " + userId);
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sessions (token_sha256, user_id,"
                    + " created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, hash);
                insert.setLong(2, userId);
                insert.setLong(3, now);
                insert.setLong(4, expiresAt);
                insert.setLong(5, now);
                return insert.executeUpdate();
            } catch (SQLException e) {
                if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                    // PostgreSQL: the user was deleted between the check above and this insert (reads do not lock);
                    // on SQLite the check and the insert are one writer's, so the check is the last word
                    throw new MetadataException(Reason.NOT_FOUND, "no such user: " + userId);
                }
                throw e;
            }
        });
        return new Issued(ENCODER.encodeToString(secret), Instant.ofEpochMilli(expiresAt));
    }

    /** A token that {@link #check} accepted: whose it is, and when it expires now (after any renewal). */
    public record Valid(long userId, Instant expiresAt) {
    }

    /**
     * The user whose valid token this is, renewing it if half its lifetime has passed; empty for an unknown,
     * expired, revoked or malformed token.
     */
    public Optional<Valid> check(String token) throws MetadataException {
        Optional<String> hash = hashOf(token);
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        record Row(long userId, long expiresAt, long lastUsedAt) {
        }
        Optional<Row> found = Transactions.read(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT user_id, expires_at, last_used_at FROM sessions WHERE token_sha256 = ?")) {
                select.setString(1, hash.get());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new Row(rows.getLong(1), rows.getLong(2), rows.getLong(3)))
                            : Optional.<Row>empty();
                }
            }
        });
        if (found.isEmpty() || now >= found.get().expiresAt()) {
            return Optional.empty();
        }
        Row row = found.get();
        long lifetime = row.expiresAt() - row.lastUsedAt();
        long expiresAt = row.expiresAt();
        if (now - row.lastUsedAt() >= lifetime / 2) {
            expiresAt = Math.addExact(now, lifetime);
            renew(hash.get(), row.expiresAt(), now, expiresAt);
        }
        return Optional.of(new Valid(row.userId(), Instant.ofEpochMilli(expiresAt)));
    }

    /** Deletes a token (logout); whether it existed. */
    public boolean revoke(String token) throws MetadataException {
        Optional<String> hash = hashOf(token);
        if (hash.isEmpty()) {
            return false;
        }
        return Transactions.write(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM sessions WHERE token_sha256 = ?")) {
                delete.setString(1, hash.get());
                return delete.executeUpdate() > 0;
            }
        });
    }

    /** Deletes every token of a user (after a password change, say); how many there were. */
    public int revokeAll(long userId) throws MetadataException {
        return Transactions.write(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sessions WHERE user_id = ?")) {
                delete.setLong(1, userId);
                return delete.executeUpdate();
            }
        });
    }

    /** Deletes every expired token; how many there were. Expired tokens are never valid, this only frees space. */
    public int purgeExpired() throws MetadataException {
        long now = clock.millis();
        return Transactions.write(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM sessions WHERE expires_at <= ?")) {
                delete.setLong(1, now);
                return delete.executeUpdate();
            }
        });
    }

    /**
     * Moves the expiry of a token on. Only if it still expires at {@code oldExpiresAt}: when two workers renew the
     * same token at once, one update wins and the other changes nothing, and a token revoked meanwhile stays gone.
     */
    private void renew(String hash, long oldExpiresAt, long now, long newExpiresAt) throws MetadataException {
        Transactions.write(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE sessions SET expires_at = ?,"
                    + " last_used_at = ? WHERE token_sha256 = ? AND expires_at = ?")) {
                update.setLong(1, newExpiresAt);
                update.setLong(2, now);
                update.setString(3, hash);
                update.setLong(4, oldExpiresAt);
                return update.executeUpdate();
            }
        });
    }

    /** The stored form of a well-formed token, or empty for anything that {@link #issue} cannot have made. */
    private static Optional<String> hashOf(String token) {
        Objects.requireNonNull(token, "token");
        if (token.length() != TOKEN_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-'
                    && c != '_') {
                return Optional.empty();
            }
        }
        byte[] secret = Base64.getUrlDecoder().decode(token);
        if (!ENCODER.encodeToString(secret).equals(token)) {
            return Optional.empty(); // the last character carries 2 unused bits; only one spelling is a token
        }
        return Optional.of(sha256Hex(secret));
    }

    private static String sha256Hex(byte[] bytes) {
        return Sha256.hexOf(bytes);
    }
}
