package netdisk.server.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import netdisk.server.storage.MetadataException;

/**
 * Slows down password guessing: failed logins are counted per user name and per client address, and a key with too
 * many recent failures is locked for a while ({@link ThrottlePolicy}).
 *
 * <p>The counts live in the metadata database ({@code login_failures}), not in memory, because every worker process
 * serves logins: counts kept per process would give an attacker one allowance per worker, and a restarted worker a
 * fresh one.
 *
 * <p>Keys:
 * <ul>
 *   <li>{@code user:<name>}, the name exactly as the client sent it, whether or not such a user exists: an unknown
 *       name is counted and locked like a real one, so the throttle's answers do not tell which names exist. Names
 *       are cut to {@value #MAX_NAME_CHARS} characters; no account name is longer (see
 *       {@link netdisk.server.storage.Name}). A NUL, which is valid UTF-8 but which no account name has and no
 *       PostgreSQL text can hold, is kept as U+FFFD: such a name then shares its count with the one spelled with
 *       U+FFFD, which only ever throttles more, never less.</li>
 *   <li>{@code addr:<IPv4 address>}, and for IPv6 {@code addr:<first 64 bits>::/64}: one IPv6 host usually has a
 *       whole /64 to itself and could otherwise rotate through addresses for free. An IPv4-mapped IPv6 address
 *       counts as its IPv4 address.</li>
 * </ul>
 * A login attempt is blocked while either key is locked. Use: ask {@link #blockedFor} first and refuse at once
 * (without checking the password or recording anything) while blocked; otherwise check the password and record the
 * outcome with {@link #recordFailure} or {@link #recordSuccess}.
 */
public final class LoginThrottle {

    /** The longest user name a key keeps: {@link netdisk.server.storage.Name#MAX_BYTES} bytes are at most this. */
    static final int MAX_NAME_CHARS = 255;

    private final DataSource dataSource;
    private final Clock clock;
    private final ThrottlePolicy policy;

    /** A throttle on the {@code login_failures} table of the migrated {@code dataSource}. */
    public LoginThrottle(DataSource dataSource, Clock clock, ThrottlePolicy policy) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** How long until a login as {@code userName} from {@code address} may be tried again; empty if it may now. */
    public Optional<Duration> blockedFor(String userName, InetAddress address) throws MetadataException {
        List<String> keys = List.of(userKey(userName), addressKey(address));
        long now = clock.millis();
        long lockedUntil = Transactions.read(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT MAX(locked_until) FROM login_failures WHERE throttle_key IN (?, ?)")) {
                select.setString(1, keys.get(0));
                select.setString(2, keys.get(1));
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        return lockedUntil > now ? Optional.of(Duration.ofMillis(lockedUntil - now)) : Optional.empty();
    }

    /** Counts a failed login against both keys, and locks those that have had too many. One transaction. */
    public void recordFailure(String userName, InetAddress address) throws MetadataException {
        record Key(String key, int freeFailures) {
        }
        List<Key> keys = List.of(new Key(userKey(userName), policy.freeUserFailures()),
                new Key(addressKey(address), policy.freeAddressFailures()));
        long now = clock.millis();
        Transactions.write(dataSource, connection -> {
            try (PreparedStatement count = connection.prepareStatement("""
                    INSERT INTO login_failures (throttle_key, failures, last_failure_at, locked_until)
                    VALUES (?, 1, ?, ?)
                    ON CONFLICT (throttle_key) DO UPDATE SET
                        failures = CASE WHEN login_failures.last_failure_at > ? THEN login_failures.failures + 1
                                        ELSE 1 END,
                        last_failure_at = excluded.last_failure_at
                    RETURNING failures""");
                 PreparedStatement lock = connection.prepareStatement(
                         "UPDATE login_failures SET locked_until = ? WHERE throttle_key = ?")) {
                for (Key key : keys) {
                    count.setString(1, key.key());
                    count.setLong(2, now);
                    count.setLong(3, now);
                    count.setLong(4, now - policy.forgetAfter().toMillis());
                    long failures;
                    try (ResultSet rows = count.executeQuery()) {
                        rows.next();
                        failures = rows.getLong(1);
                    }
                    lock.setLong(1, now + policy.lockAfter(failures, key.freeFailures()).toMillis());
                    lock.setString(2, key.key());
                    lock.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Forgets the failures of the user key after a successful login. The address key is left to be forgotten with
     * time ({@code address} is not used): otherwise someone with one account could reset their address's count by
     * logging in to it between guesses at other accounts.
     *
     * <p>A key without failures (almost every login: each command of the command-line client logs in with its token)
     * costs one read and no change, so a login does not wait for the database's write lock while uploads commit. A
     * failure that another login records between the read and now stays counted, as if it came after this success.
     */
    public void recordSuccess(String userName, InetAddress address) throws MetadataException {
        String user = userKey(userName);
        Objects.requireNonNull(address, "address");
        boolean failed = Transactions.read(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM login_failures WHERE throttle_key = ?")) {
                select.setString(1, user);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
        if (!failed) {
            return;
        }
        Transactions.write(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM login_failures WHERE throttle_key = ?")) {
                delete.setString(1, user);
                return delete.executeUpdate();
            }
        });
    }

    /**
     * Deletes the rows whose failures are forgotten (no failure for {@link ThrottlePolicy#forgetAfter}); how many
     * there were. They no longer count for anything; this only keeps guessed names from piling up in the table.
     */
    public int purgeForgotten() throws MetadataException {
        long cutoff = clock.millis() - policy.forgetAfter().toMillis();
        return Transactions.write(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM login_failures WHERE last_failure_at <= ?")) {
                delete.setLong(1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    static String userKey(String userName) {
        Objects.requireNonNull(userName, "userName");
        String name = userName.codePointCount(0, userName.length()) > MAX_NAME_CHARS
                ? userName.substring(0, userName.offsetByCodePoints(0, MAX_NAME_CHARS))
                : userName;
        return "user:" + name.replace('\0', '\ufffd');
    }

    static String addressKey(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length == 4) {
            try {
                return "addr:" + ((Inet4Address) InetAddress.getByAddress(bytes)).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are an IPv4 address", e);
            }
        }
        return String.format("addr:%x:%x:%x:%x::/64", hextet(bytes, 0), hextet(bytes, 2), hextet(bytes, 4),
                hextet(bytes, 6));
    }

    /** {@code ::ffff:a.b.c.d}: ten zero bytes, two 0xff bytes, then the IPv4 address. */
    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static int hextet(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 8 | bytes[offset + 1] & 0xff;
    }
}
