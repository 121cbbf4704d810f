package netdisk.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import netdisk.client.NetdiskClient;
import netdisk.client.RemotePath;
import netdisk.client.ServerRefusedException;
import netdisk.client.TransferConnection;
import netdisk.client.session.SessionStore;
import netdisk.client.session.StoredSession;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Ticket;

/**
 * The server as the commands see it: one connection, logged in, and a remote working directory; plus the local
 * working directory, which the shell's {@code lcd} moves (a JVM cannot change its own). One {@code Remote} serves a
 * whole one-shot run or a whole shell, so the shell's commands are the one-shot commands, sharing a connection.
 *
 * <p>Logging in, in order: the token saved for this server (if it is the same user and not expired), then a password
 * from {@code --password-file}, {@code NETDISK_PASSWORD} or a prompt. Every login is saved in the {@link SessionStore}
 * with the working directory, so the next run, or the next command after a reconnect, needs no password.
 *
 * <p>{@link #cancel} may be called from another thread (the shell's Ctrl-C): it closes the connection, which makes
 * whatever the command was doing fail at once; the command ends as for any failure (a download keeps its partial
 * file, to be resumed), and the next {@link #client()} reconnects and logs in with the token.
 */
final class Remote implements AutoCloseable {

    /** Where the password may come from, for scripts. */
    static final String PASSWORD_VARIABLE = "NETDISK_PASSWORD";

    /** What the command line says about the server and the login. */
    interface Options {
        String host();

        int port();

        Duration timeout();

        /** {@code --user}, or null. */
        String user();

        /** {@code --password-file}, or null. */
        Path passwordFile();
    }

    private final Options options;
    private final Map<String, String> environment;
    private final SessionStore store;
    private Prompter prompter;
    private final LongSupplier clock;
    private volatile NetdiskClient client;
    private StoredSession current;
    private Optional<StoredSession> saved;
    private Path localDirectory;
    private final BackgroundJobs jobs = new BackgroundJobs(this);
    /** The foreground command's scope; a background job's thread (and the threads it starts) has its own. */
    private final Scope foreground = new Scope();
    private final InheritableThreadLocal<Scope> scope = new InheritableThreadLocal<>() {
        @Override
        protected Scope initialValue() {
            return foreground;
        }
    };
    private Ticket ticket;
    private long ticketFreshUntil;

    Remote(Options options, Map<String, String> environment, SessionStore store, Prompter prompter,
            LongSupplier clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.environment = Map.copyOf(environment);
        this.store = Objects.requireNonNull(store, "store");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.localDirectory = Path.of("").toAbsolutePath();
    }

    /** {@code host:port}, for messages. */
    String server() {
        String host = options.host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + options.port();
    }

    /** From now on, ask through {@code asker} (the shell's line reader instead of the console). */
    void usePrompter(Prompter asker) {
        this.prompter = Objects.requireNonNull(asker, "asker");
    }

    /** A new connection, not logged in, that the caller closes: for {@code ping}. */
    NetdiskClient connect() throws IOException {
        return NetdiskClient.connect(options.host(), options.port(), options.timeout());
    }

    /**
     * A connection of its own for transfers ({@link TransferConnection}), logged in with a ticket of this session's;
     * the caller closes it. {@link #cancel} closes it too.
     */
    TransferConnection openTransfer() throws IOException {
        NetdiskClient session = client();
        String user = current.user();
        TransferConnection connection = TransferConnection.open(
                new TransferConnection.Endpoint(options.host(), options.port(), options.timeout()), user, session,
                this::ticket);
        Scope current = scope.get();
        current.transfers.add(connection);
        if (current.cancelled) {
            connection.close();
            throw new CancelledException();
        }
        return connection;
    }

    /** No longer cancelled with the others: the caller closed it. */
    void closed(TransferConnection connection) {
        scope.get().transfers.remove(connection);
        connection.close();
    }

    /**
     * What one cancel stops: the transfer connections opened under it, and long local work that checks it. The
     * foreground command has one (Ctrl-C); each background job of the shell has its own, so that Ctrl-C leaves the
     * jobs alone.
     */
    static final class Scope {
        private volatile boolean cancelled;
        private final Set<TransferConnection> transfers = ConcurrentHashMap.newKeySet();

        /** Stops what runs under this scope: closes its transfer connections. Safe from any thread. */
        void cancel() {
            cancelled = true;
            transfers.forEach(TransferConnection::close);
        }

        boolean cancelled() {
            return cancelled;
        }
    }

    /** The shell's background transfers. */
    BackgroundJobs jobs() {
        return jobs;
    }

    /** From now on this thread, and the threads it starts, work under {@code jobScope} (a background job). */
    void enter(Scope jobScope) {
        scope.set(jobScope);
    }

    /**
     * A transfer ticket for this session's user: the one already issued while it has more than half of its life
     * left (any number of transfer connections may log in with it), else a new one.
     */
    private synchronized Ticket ticket() throws IOException {
        long now = System.currentTimeMillis();
        if (ticket == null || now >= ticketFreshUntil) {
            Ticket fresh = fetchTicket();
            ticket = fresh;
            ticketFreshUntil = now + Math.max(0, fresh.expires() - now) / 2;
        }
        return ticket;
    }

    /**
     * A new ticket from the session. Once more on a new connection if the session's was closed under the request by
     * a cancel that is not this thread's: Ctrl-C stops the foreground command by closing that connection, and must
     * not fail a background job that was asking for its ticket at that moment.
     */
    private Ticket fetchTicket() throws IOException {
        NetdiskClient session = client();
        try {
            return session.ticket();
        } catch (IOException e) {
            if (session.isOpen() || scope.get().cancelled) {
                throw e;
            }
            return client().ticket();
        }
    }

    /** The connection, logged in: opened and logged in on first use, and again after a cancel or a broken link. */
    synchronized NetdiskClient client() throws IOException {
        checkCancelled();
        NetdiskClient existing = client;
        if (existing != null && existing.isOpen()) {
            return existing;
        }
        dropConnection();
        String user = user().orElseThrow(() -> new NotLoggedInException("not logged in to " + server()
                + ": run `netdisk --user NAME login` first"));
        NetdiskClient fresh = connect();
        try {
            LoginOk ok = loginWithToken(fresh, user);
            if (ok == null) {
                ok = loginWithPassword(fresh, user, false);
            }
            remember(ok);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        client = fresh;
        checkCancelled();
        return fresh;
    }

    /**
     * Logs in with a password (never the token), and saves the new session: the {@code login} command.
     *
     * @param user who to log in as, or null for the user of {@link #user()} (else asked)
     */
    LoginOk login(String user) throws IOException {
        return passwordLogin(user, false);
    }

    /** Creates the account and logs in as it: the {@code register} command. */
    LoginOk register(String user) throws IOException {
        return passwordLogin(user, true);
    }

    private LoginOk passwordLogin(String wanted, boolean register) throws IOException {
        String user = wanted != null ? wanted : user().orElse(null);
        if (user == null) {
            if (!prompter.interactive()) {
                throw new NotLoggedInException("no user name: give --user NAME");
            }
            user = prompter.readLine("User name: ").strip();
        }
        dropConnection();
        NetdiskClient fresh = connect();
        try {
            LoginOk ok = register ? registerWithPassword(fresh, user) : loginWithPassword(fresh, user, false);
            remember(ok);
            client = fresh;
            return ok;
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    /**
     * Logs out on the server (revoking the token) and forgets the saved session. The saved session goes even when
     * the server cannot be told; the failure is still reported.
     *
     * @return whether there was a login to end
     */
    boolean logout() throws IOException {
        Optional<StoredSession> session = current != null ? Optional.of(current) : saved();
        if (session.isEmpty()) {
            return false;
        }
        try {
            NetdiskClient connection = client;
            if (connection == null) {
                connection = connect();
                client = connection;
                if (loginWithToken(connection, session.get().user()) == null) {
                    return true; // the token is dead already: nothing to revoke
                }
            }
            connection.logout();
            return true;
        } finally {
            dropConnection();
            store.delete(options.host(), options.port());
            current = null;
            saved = Optional.empty();
        }
    }

    /** The user the commands act as: the one logged in, else {@code --user}, else the saved one. */
    Optional<String> user() throws IOException {
        if (current != null) {
            return Optional.of(current.user());
        }
        if (options.user() != null) {
            return Optional.of(options.user());
        }
        return saved().map(StoredSession::user);
    }

    /** The remote working directory (the saved one until something else happens; {@code /} for a new user). */
    String workingDirectory() throws IOException {
        Optional<String> user = user();
        return user.isEmpty() ? RemotePath.ROOT : workingDirectoryOf(user.get());
    }

    /** Resolves what the user typed against the remote working directory. */
    String resolve(String input) throws IOException {
        return RemotePath.resolve(workingDirectory(), input);
    }

    /** Makes {@code directory} (absolute, normalized, known to be a directory) the working directory, and saves it. */
    void changeDirectory(String directory) throws IOException {
        client();
        current = current.withWorkingDirectory(directory);
        store.save(options.host(), options.port(), current);
        saved = Optional.of(current);
    }

    /** Resolves a local path against the local working directory; {@code ~} is the home directory. */
    Path local(String input) {
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        if (input.equals("~")) {
            return Path.of(home);
        }
        if (input.startsWith("~/")) {
            return Path.of(home).resolve(input.substring(2));
        }
        return localDirectory.resolve(input).normalize();
    }

    Path localDirectory() {
        return localDirectory;
    }

    void changeLocalDirectory(Path directory) {
        localDirectory = directory.toAbsolutePath().normalize();
    }

    /**
     * Stops the running foreground command: closes the session's connection and the command's transfer connections
     * (not those of background jobs). Safe from any thread.
     */
    void cancel() {
        foreground.cancel();
        NetdiskClient connection = client;
        if (connection != null) {
            closeQuietly(connection);
        }
    }

    /** Whether {@link #cancel} was called since the last {@link #resetCancel}. */
    boolean cancelled() {
        return foreground.cancelled;
    }

    /** Before the next command: no cancel pending. */
    void resetCancel() {
        foreground.cancelled = false;
    }

    /** Forgets the connection (after a cancel or a broken link): the next command connects and logs in again. */
    void dropConnection() {
        NetdiskClient connection = client;
        client = null;
        if (connection != null) {
            closeQuietly(connection);
        }
    }

    /** Throws if {@link #cancel} was called: for long local work (hashing a file) that no closed socket interrupts. */
    void checkCancelled() throws CancelledException {
        if (scope.get().cancelled) {
            throw new CancelledException();
        }
    }

    /** Tries the token in memory or the saved one; null when there is none, or the server refused it. */
    private LoginOk loginWithToken(NetdiskClient connection, String user) throws IOException {
        StoredSession session = current != null ? current : saved().orElse(null);
        if (session == null || !session.user().equals(user) || session.expiredAt(clock.getAsLong())) {
            return null;
        }
        try {
            return connection.loginWithToken(user, session.token());
        } catch (ServerRefusedException e) {
            if (e.code().filter(code -> code == ErrorCode.LOGIN_FAILED).isPresent()) {
                return null;
            }
            throw e;
        }
    }

    private LoginOk loginWithPassword(NetdiskClient connection, String user, boolean confirm) throws IOException {
        char[] password = password(user, confirm);
        try {
            return connection.login(user, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private LoginOk registerWithPassword(NetdiskClient connection, String user) throws IOException {
        char[] password = password(user, true);
        try {
            return connection.register(user, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The password: {@code --password-file}, else {@code NETDISK_PASSWORD}, else asked (twice to confirm). */
    private char[] password(String user, boolean confirm) throws IOException {
        Path file = options.passwordFile();
        if (file != null) {
            return firstLine(local(file.toString()));
        }
        String variable = environment.get(PASSWORD_VARIABLE);
        if (variable != null) {
            return variable.toCharArray();
        }
        if (!prompter.interactive()) {
            throw new NotLoggedInException("a password is needed for " + user + " at " + server()
                    + (saved().filter(s -> s.user().equals(user)).isPresent()
                            ? " (the saved login has expired or was revoked)" : "")
                    + ", and there is no terminal to ask on: set " + PASSWORD_VARIABLE
                    + " or give --password-file FILE");
        }
        char[] password = prompter.readPassword("Password for " + user + "@" + server() + ": ");
        if (confirm) {
            char[] again = prompter.readPassword("Once more: ");
            boolean same = Arrays.equals(password, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(password, '\0');
                throw new NotLoggedInException("the two passwords differ");
            }
        }
        return password;
    }

    private static char[] firstLine(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LocalFileException("no such password file: " + file, e);
        } catch (IOException e) {
            throw new LocalFileException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || lines.getFirst().isEmpty()) {
            throw new LocalFileException("the password file " + file + " is empty");
        }
        return lines.getFirst().toCharArray();
    }

    private void remember(LoginOk ok) throws IOException {
        current = new StoredSession(ok.user(), ok.token(), ok.tokenExpires(), workingDirectoryOf(ok.user()));
        store.save(options.host(), options.port(), current);
        saved = Optional.of(current);
    }

    private String workingDirectoryOf(String user) throws IOException {
        if (current != null && current.user().equals(user)) {
            return current.workingDirectory();
        }
        return saved().filter(s -> s.user().equals(user)).map(StoredSession::workingDirectory)
                .orElse(RemotePath.ROOT);
    }

    private Optional<StoredSession> saved() throws IOException {
        if (saved == null) {
            saved = store.load(options.host(), options.port());
        }
        return saved;
    }

    private static void closeQuietly(NetdiskClient connection) {
        try {
            connection.close();
        } catch (IOException e) {
            // closing a socket: nothing to do about a failure
        }
    }

    @Override
    public void close() {
        foreground.transfers.forEach(TransferConnection::close);
        dropConnection();
    }
}
