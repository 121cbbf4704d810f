package netdisk.server.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import netdisk.protocol.ErrorCode;
import netdisk.server.OffCarrier;
import netdisk.server.storage.MetadataException;
import netdisk.server.storage.MetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.User;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins, token logins, self-registration and logouts, as sessions ask for them.
 *
 * <p>What a failed login says never depends on whether the user exists: an unknown user gets the same
 * {@code LOGIN_FAILED} message, after the same Argon2id work ({@link PasswordHasher#burn}), and counts against the
 * same {@link LoginThrottle} keys. A throttled attempt is refused before any password is checked.
 */
public final class Accounts {

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    private static final String FAILED = "login failed: wrong user name or password";
    static final int MAX_CONCURRENT_HASHES = 4;

    /** A successful login: the user and the token that later connections may log in with. */
    public record Login(User user, String token, long expiresMillis) {

        @Override
        public String toString() {
            return "Login[user=" + user.name() + ", expiresMillis=" + expiresMillis + "]";
        }
    }

    private final MetadataStore metadata;
    private final PasswordHasher hasher;
    private final SessionTokens tokens;
    private final LoginThrottle throttle;
    private final Duration tokenLifetime;
    private final boolean registrationOpen;
    private final TransferTickets tickets;
    /**
     * Argon2id takes 19 MiB per hash: a burst of logins must not take a worker's whole heap, so at most this many run
     * at once; the others wait their turn (a login is slow by design anyway).
     */
    private final Semaphore hashing = new Semaphore(MAX_CONCURRENT_HASHES);

    public Accounts(MetadataStore metadata, PasswordHasher hasher, SessionTokens tokens, LoginThrottle throttle,
            Duration tokenLifetime, boolean registrationOpen, TransferTickets tickets) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.tokenLifetime = Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        this.registrationOpen = registrationOpen;
        this.tickets = Objects.requireNonNull(tickets, "tickets");
    }

    /** Checks a password; {@code password} is wiped before this returns. */
    public Login login(String userName, char[] password, InetAddress from) throws AuthException {
        try {
            refuseIfThrottled(userName, from);
            Optional<User> user = findUser(userName);
            boolean matches = hashing(() -> {
                if (user.isPresent()) {
                    return hasher.verify(user.get().passwordHash(), password);
                }
                hasher.burn(password);
                return false;
            });
            if (!matches) {
                throttle.recordFailure(userName, from);
                throw new AuthException(ErrorCode.LOGIN_FAILED, FAILED);
            }
            throttle.recordSuccess(userName, from);
            SessionTokens.Issued issued = tokens.issue(user.get().id(), tokenLifetime);
            return new Login(user.get(), issued.token(), issued.expiresAt().toEpochMilli());
        } catch (MetadataException e) {
            throw storageFailure(e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Checks a token from an earlier login; it must belong to {@code userName}. */
    public Login resume(String userName, String token, InetAddress from) throws AuthException {
        try {
            refuseIfThrottled(userName, from);
            Optional<User> user = findUser(userName);
            Optional<SessionTokens.Valid> valid = tokens.check(token);
            if (user.isEmpty() || valid.isEmpty() || valid.get().userId() != user.get().id()) {
                throttle.recordFailure(userName, from);
                throw new AuthException(ErrorCode.LOGIN_FAILED, "login failed: the token is unknown or expired");
            }
            throttle.recordSuccess(userName, from);
            return new Login(user.get(), token, valid.get().expiresAt().toEpochMilli());
        } catch (MetadataException e) {
            throw storageFailure(e);
        }
    }

    /**
     * Checks a transfer ticket ({@link TransferTickets}); it must belong to {@code userName} as the account is now.
     * No throttling: a ticket cannot be guessed (a 256-bit MAC), and checking one costs a MAC and one read.
     */
    public Login ticketLogin(String userName, String ticket) throws AuthException {
        Optional<TransferTickets.Valid> valid = tickets.check(ticket);
        try {
            Optional<User> user = valid.isEmpty() ? Optional.empty() : findUser(userName);
            if (user.isEmpty() || !valid.get().isFor(user.get())) {
                throw new AuthException(ErrorCode.LOGIN_FAILED, "login failed: the transfer ticket is not valid"
                        + " (expired, or issued before a password change); ask the session for a new one");
            }
            return new Login(user.get(), "", valid.get().expiresAt().toEpochMilli());
        } catch (MetadataException e) {
            throw storageFailure(e);
        }
    }

    /** A new transfer ticket for {@code user}, who is logged in. */
    public TransferTickets.Issued ticket(User user) {
        return tickets.issue(user);
    }

    /** Creates an account and logs in as it, if the operator opened registration; wipes {@code password}. */
    public Login register(String userName, char[] password, InetAddress from) throws AuthException {
        try {
            if (!registrationOpen) {
                throw new AuthException(ErrorCode.REGISTRATION_CLOSED,
                        "this server does not allow self-registration: ask its operator for an account");
            }
            refuseIfThrottled(userName, from);
            Optional<String> problem = AccountRules.userNameProblem(userName);
            if (problem.isPresent()) {
                throw new AuthException(ErrorCode.ACCOUNT_REFUSED, "user name refused: " + problem.get()
                        + " (a user name is " + AccountRules.USER_NAME_RULE + ")");
            }
            Optional<String> weak = AccountRules.passwordProblem(password);
            if (weak.isPresent()) {
                throw new AuthException(ErrorCode.ACCOUNT_REFUSED, weak.get());
            }
            User user;
            try {
                String hash = hashing(() -> hasher.hash(password));
                user = metadata.createUser(Name.of(userName), hash, OptionalLong.empty());
            } catch (MetadataException e) {
                if (e.reason() == MetadataException.Reason.ALREADY_EXISTS) {
                    // Registration reveals that a name is taken, as every sign-up form does; the throttle limits
                    // how fast names can be probed this way.
                    throttle.recordFailure(userName, from);
                    throw new AuthException(ErrorCode.ALREADY_EXISTS, "user name " + userName + " is taken");
                }
                throw e;
            }
            log.info("user {} registered from {}", user.name(), from.getHostAddress());
            SessionTokens.Issued issued = tokens.issue(user.id(), tokenLifetime);
            return new Login(user, issued.token(), issued.expiresAt().toEpochMilli());
        } catch (MetadataException e) {
            throw storageFailure(e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * The logged-in user as stored now, if the login still holds: the account still exists (a deleted account's id
     * may even belong to a new user since, as SQLite reuses the highest id, so the name and creation time must match
     * too) and its password was not changed since (a change ends every login). Its quota may have changed.
     */
    public Optional<User> current(User user) throws AuthException {
        try {
            return metadata.findUser(Name.of(user.name()))
                    .filter(now -> now.id() == user.id() && now.createdAt().equals(user.createdAt())
                            && now.passwordHash().equals(user.passwordHash()));
        } catch (MetadataException e) {
            throw storageFailure(e);
        }
    }

    /** Revokes a token; returns whether it existed. */
    public boolean logout(String token) {
        try {
            return tokens.revoke(token);
        } catch (MetadataException e) {
            log.warn("could not revoke a token: {}", e.getMessage());
            return false;
        }
    }

    private void refuseIfThrottled(String userName, InetAddress from) throws AuthException, MetadataException {
        Optional<Duration> blocked = throttle.blockedFor(userName, from);
        if (blocked.isPresent()) {
            long seconds = Math.max(1, blocked.get().toSeconds() + (blocked.get().toMillisPart() > 0 ? 1 : 0));
            throw new AuthException(ErrorCode.TOO_MANY_ATTEMPTS,
                    "too many failed logins: try again in " + seconds + " s");
        }
    }

    private <T> T hashing(Supplier<T> work) throws AuthException {
        try {
            hashing.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthException(ErrorCode.SHUTTING_DOWN, "the server is stopping");
        }
        try {
            return OffCarrier.call(work::get); // tens of ms of computing, which would hold a carrier all along
        } finally {
            hashing.release();
        }
    }

    private Optional<User> findUser(String userName) throws MetadataException {
        return Name.isValid(userName) ? metadata.findUser(Name.of(userName)) : Optional.empty();
    }

    private static AuthException storageFailure(MetadataException e) {
        log.error("account database failure: {}", e.toString());
        return new AuthException(ErrorCode.STORAGE_ERROR, "the server cannot check accounts right now");
    }
}
