package netdisk.server.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import netdisk.protocol.Sha256;
import netdisk.server.storage.User;

/**
 * Short-lived transfer tickets: what a logged-in session hands its client so that new connections, served by any
 * worker, can log in for transfers without the password, the long-lived token, or a database lookup.
 *
 * <p>A ticket is {@code v1.BODY.MAC}: BODY is base64url of the user id (8 bytes), the expiry in epoch milliseconds
 * (8), the user's {@linkplain #fingerprint fingerprint} (8: a password change or a re-created account voids the
 * tickets issued before) and a random nonce (8); MAC is base64url of HMAC-SHA256(key, BODY bytes). The key is 32 random bytes in
 * {@code DATA/ticket.key} (0600), made once by the master and read by every worker, so any worker checks any ticket,
 * and tickets survive a restart of the server (they expire soon anyway). Checking is a MAC and a clock comparison.
 * Who the id belongs to, and whether that login still holds (account deleted, password changed), is for the caller.
 *
 * <p>Thread-safe.
 */
public final class TransferTickets {

    /** The key file, in the data directory. */
    public static final String KEY_FILE = "ticket.key";
    private static final String PREFIX = "v1.";
    private static final int KEY_BYTES = 32;
    private static final int BODY_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** A ticket that checked out: whose it is (id and fingerprint) and until when it logs connections in. */
    public record Valid(long userId, long fingerprint, Instant expiresAt) {

        /** Whether the ticket was issued to {@code user} as it is now (same id, same password, same account). */
        public boolean isFor(User user) {
            return user.id() == userId && TransferTickets.fingerprint(user) == fingerprint;
        }
    }

    /** A new ticket and its expiry. */
    public record Issued(String ticket, Instant expiresAt) {

        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    TransferTickets(byte[] key, Clock clock, Duration lifetime) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a ticket key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        if (!lifetime.isPositive()) {
            throw new IllegalArgumentException("ticket lifetime must be positive: " + lifetime);
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lifetime = lifetime;
    }

    /**
     * The tickets of data directory {@code dataDir}, with its key, made (0600, atomically: two processes racing both
     * end up with the one that won) if there is none yet.
     */
    public static TransferTickets open(Path dataDir, Clock clock, Duration lifetime) throws IOException {
        return new TransferTickets(loadOrCreateKey(dataDir.resolve(KEY_FILE)), clock, lifetime);
    }

    static byte[] loadOrCreateKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            Path temporary = Files.createTempFile(file.getParent(), ".ticket-", ".key",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(temporary, fresh, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                Files.createLink(file, temporary); // fails if another process made it first: theirs wins
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by another process
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != KEY_BYTES) {
            throw new IOException(file + " holds " + key.length + " bytes, not a " + KEY_BYTES + "-byte ticket key;"
                    + " delete it to have a new one made (open tickets then stop working)");
        }
        return key;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new ticket for {@code user}, valid for the lifetime from now. */
    public Issued issue(User user) {
        Instant expires = clock.instant().plus(lifetime);
        ByteBuffer body = ByteBuffer.allocate(BODY_BYTES)
                .putLong(user.id())
                .putLong(expires.toEpochMilli())
                .putLong(fingerprint(user))
                .putLong(random.nextLong());
        byte[] bodyBytes = body.array();
        return new Issued(PREFIX + ENCODER.encodeToString(bodyBytes) + "." + ENCODER.encodeToString(mac(bodyBytes)),
                Instant.ofEpochMilli(expires.toEpochMilli()));
    }

    /** The ticket's user and expiry, if it is one of ours (right MAC) and has not expired. */
    public Optional<Valid> check(String ticket) {
        if (ticket == null || !ticket.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dot = ticket.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return Optional.empty();
        }
        byte[] body;
        byte[] mac;
        try {
            body = DECODER.decode(ticket.substring(PREFIX.length(), dot));
            mac = DECODER.decode(ticket.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (body.length != BODY_BYTES || !MessageDigest.isEqual(mac, mac(body))) {
            return Optional.empty();
        }
        // one spelling per ticket: base64 of 32 bytes leaves 2 bits of its last character unused, which a decoder
        // ignores, so a changed last character could otherwise still decode to the same ticket
        if (!ticket.equals(PREFIX + ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac))) {
            return Optional.empty();
        }
        ByteBuffer fields = ByteBuffer.wrap(body);
        long userId = fields.getLong();
        Instant expires = Instant.ofEpochMilli(fields.getLong());
        long fingerprint = fields.getLong();
        if (!clock.instant().isBefore(expires)) {
            return Optional.empty();
        }
        return Optional.of(new Valid(userId, fingerprint, expires));
    }

    /**
     * 64 bits of SHA-256 over what makes a login hold ({@link Accounts#current}): the account's creation time and its
     * password hash. Not a secret (the MAC protects the ticket), just a change detector.
     */
    static long fingerprint(User user) {
        MessageDigest sha256 = Sha256.newDigest();
        sha256.update(Long.toString(user.createdAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(user.passwordHash().getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(sha256.digest()).getLong();
    }

    private byte[] mac(byte[] body) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            return hmac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
