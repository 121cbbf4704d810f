package netdisk.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of a running server, validated once here, with its default named beside it.
 *
 * @param host address to listen on ({@code 127.0.0.1}, {@code ::1}, {@code 0.0.0.0}, {@code ::}, a host name)
 * @param port TCP port; 0 picks a free one (the server logs which)
 * @param workers how many workers the master starts before it accepts anything
 * @param mode worker processes or worker threads
 * @param dataDir where the server keeps its state (the control socket and lock under {@code run/})
 * @param sessionsPerWorker how many sessions one worker serves at once before it counts as full
 * @param queueCapacity how many connections may wait when every worker is full; past that: "server busy"
 * @param queueTimeout how long a connection may wait in that queue before it gets "server busy"
 * @param drainTimeout how long a graceful stop lets in-flight work finish
 * @param handshakeTimeout how long a new connection may take to say Hello
 * @param idleTimeout how long a session may wait between requests before the server closes it; a session with a
 *     request or transfer in progress is never idle
 * @param stallTimeout how long a request in progress may wait for its client (the rest of a request, upload content,
 *     room for an answer or download) without a byte moving; then the server ends the connection
 * @param workerHeartbeat how often the master asks each worker whether it is alive; three missed answers in a row and
 *     the worker is killed and replaced
 * @param allowRegister whether clients may create their own accounts (otherwise only the administrator does)
 * @param sessionLifetime how long a login token lives without use (renewed by use, see
 *     {@link netdisk.server.auth.SessionTokens})
 * @param ticketLifetime how long a transfer ticket logs new transfer connections in (renewed while they work, see
 *     {@link netdisk.server.auth.TransferTickets})
 * @param uploadExpiry how long an upload that broke off is kept for a resume when no upload uses it; then the master
 *     deletes it
 * @param workerJvmOptions JVM options for worker processes (replacing {@link #DEFAULT_WORKER_JVM_OPTIONS})
 * @param classCache where worker processes keep the class-data archive they start from (made by the first worker
 *     that stops cleanly: {@link netdisk.server.pool.WorkerClassArchive}); empty for none. Default {@code DATA/cache}
 * @param serveFile {@code serve-file} mode: every connection gets this file in the tutorial's format, no handshake
 */
public record ServerConfig(
        String host,
        int port,
        int workers,
        WorkerMode mode,
        Path dataDir,
        int sessionsPerWorker,
        int queueCapacity,
        Duration queueTimeout,
        Duration drainTimeout,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration stallTimeout,
        Duration workerHeartbeat,
        boolean allowRegister,
        Duration sessionLifetime,
        Duration ticketLifetime,
        Duration uploadExpiry,
        List<String> workerJvmOptions,
        Optional<Path> classCache,
        Optional<Path> serveFile) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Not the tutorial's 8080, which is so often taken. */
    public static final int DEFAULT_PORT = 7477;
    public static final int DEFAULT_SESSIONS_PER_WORKER = 1024;
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** As ProFTPD's TimeoutIdle: long enough for someone reading a listing, short enough to free abandoned sessions. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /**
     * Two minutes: nginx gives a client 60 s to take or send more, vsftpd a data connection 300 s. A transfer that
     * stalls is kept for resume, so ending it early costs little, while a dead client's connection keeps its upload
     * from being resumed on another one until it ends.
     */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_WORKER_HEARTBEAT = Duration.ofSeconds(5);
    /** Accounts are made by the administrator unless self-registration is turned on. */
    public static final boolean DEFAULT_ALLOW_REGISTER = false;
    /** A month: someone who uses the disk at least every two weeks logs in once. */
    public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofDays(30);
    public static final Duration MIN_SESSION_LIFETIME = Duration.ofMinutes(1);
    /** Ten years, as good as forever, and far from overflowing millisecond times. */
    public static final Duration MAX_SESSION_LIFETIME = Duration.ofDays(3650);
    /** A week: time to come back to a big upload after a weekend, not so long that abandoned ones pile up. */
    public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofDays(7);
    public static final Duration MIN_UPLOAD_EXPIRY = Duration.ofSeconds(1);
    public static final Duration MAX_UPLOAD_EXPIRY = MAX_SESSION_LIFETIME;
    /**
     * Five minutes: a stolen ticket is soon worthless, and a client renews it long before (a transfer that is running
     * never needs it again: a ticket is checked when a request starts).
     */
    public static final Duration DEFAULT_TICKET_LIFETIME = Duration.ofMinutes(5);
    public static final Duration MIN_TICKET_LIFETIME = Duration.ofSeconds(1);
    public static final Duration MAX_TICKET_LIFETIME = Duration.ofDays(1);
    /**
     * A small worker JVM; sessions are virtual threads. Not C1-only ({@code -XX:TieredStopAtLevel=1}), although that
     * starts faster and smaller: where libcrypto is missing, every upload is hashed by the JDK's SHA-256, which only
     * C2 runs fast (measured: 0.14 GiB/s with C1 alone, 1.7 GiB/s with C2); and a long-lived worker repays C2, with
     * which the figures in {@code docs/benchmarks.md} were measured. C1 alone with libcrypto is untried for workers.
     */
    public static final List<String> DEFAULT_WORKER_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-Xss512k", "-XX:CICompilerCount=2",
            "-XX:ReservedCodeCacheSize=48m", "-XX:MaxMetaspaceSize=96m");

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(queueTimeout, "queueTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(workerHeartbeat, "workerHeartbeat");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        Objects.requireNonNull(ticketLifetime, "ticketLifetime");
        Objects.requireNonNull(uploadExpiry, "uploadExpiry");
        workerJvmOptions = List.copyOf(Objects.requireNonNull(workerJvmOptions, "workerJvmOptions"));
        Objects.requireNonNull(classCache, "classCache");
        Objects.requireNonNull(serveFile, "serveFile");
        require(!host.isBlank(), "host must not be empty");
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(workers >= 1 && workers <= 1024, "workers must be 1..1024, got " + workers);
        require(sessionsPerWorker >= 1, "sessions per worker must be at least 1, got " + sessionsPerWorker);
        require(queueCapacity >= 0, "queue capacity must not be negative, got " + queueCapacity);
        require(queueTimeout.isPositive(), "queue timeout must be positive");
        require(!drainTimeout.isNegative(), "drain timeout must not be negative");
        require(handshakeTimeout.isPositive(), "handshake timeout must be positive");
        require(idleTimeout.isPositive(), "idle timeout must be positive");
        require(stallTimeout.toMillis() >= 1000, "stall timeout must be at least 1 second");
        require(workerHeartbeat.toMillis() >= 100, "worker heartbeat must be at least 100 ms");
        require(sessionLifetime.compareTo(MIN_SESSION_LIFETIME) >= 0
                && sessionLifetime.compareTo(MAX_SESSION_LIFETIME) <= 0,
                "session lifetime must be 1 minute to 3650 days, got " + sessionLifetime);
        require(ticketLifetime.compareTo(MIN_TICKET_LIFETIME) >= 0 && ticketLifetime.compareTo(MAX_TICKET_LIFETIME) <= 0,
                "ticket lifetime must be 1 second to 1 day, got " + ticketLifetime);
        require(uploadExpiry.compareTo(MIN_UPLOAD_EXPIRY) >= 0 && uploadExpiry.compareTo(MAX_UPLOAD_EXPIRY) <= 0,
                "upload expiry must be 1 second to 3650 days, got " + uploadExpiry);
    }

    /** One worker per core, at least two, so that one dying worker never leaves the server without any. */
    public static int defaultWorkers() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** {@code $XDG_DATA_HOME/netdisk}, or {@code ~/.local/share/netdisk}. */
    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("netdisk");
    }

    /** {@code DATA/cache}. */
    public static Path defaultClassCache(Path dataDir) {
        return dataDir.resolve("cache");
    }

    /** Everything at its default except where the server listens. */
    public static ServerConfig defaults(String host, int port, Path dataDir) {
        return new ServerConfig(host, port, defaultWorkers(), WorkerMode.platformDefault(), dataDir,
                DEFAULT_SESSIONS_PER_WORKER, DEFAULT_QUEUE_CAPACITY, DEFAULT_QUEUE_TIMEOUT, DEFAULT_DRAIN_TIMEOUT,
                DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_STALL_TIMEOUT, DEFAULT_WORKER_HEARTBEAT, DEFAULT_ALLOW_REGISTER, DEFAULT_SESSION_LIFETIME,
                DEFAULT_TICKET_LIFETIME, DEFAULT_UPLOAD_EXPIRY, DEFAULT_WORKER_JVM_OPTIONS,
                Optional.of(defaultClassCache(dataDir)), Optional.empty());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
