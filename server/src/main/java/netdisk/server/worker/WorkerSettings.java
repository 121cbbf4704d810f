package netdisk.server.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a worker needs to know beyond its identity; the master passes it to worker processes on their command line.
 *
 * @param handshakeTimeout how long a new connection may take to send its Hello
 * @param idleTimeout how long a session may wait between requests before it is closed
 * @param stallTimeout how long a request in progress may wait for its client without a byte moving before the
 *     connection is ended
 * @param dataDir the server's data directory (the files area is {@code DATA/files})
 * @param serveFile for {@code serve-file}: the one file every connection gets, in the tutorial's format
 * @param sessionLifetime how long a login token lives without use
 * @param ticketLifetime how long a transfer ticket lives
 * @param allowRegister whether clients may create accounts themselves
 */
public record WorkerSettings(Duration handshakeTimeout, Duration idleTimeout, Duration stallTimeout, Path dataDir,
                             Optional<Path> serveFile,
                             Duration sessionLifetime, Duration ticketLifetime, boolean allowRegister) {

    private static final String HANDSHAKE = "--handshake-timeout-ms=";
    private static final String IDLE = "--idle-timeout-ms=";
    private static final String STALL = "--stall-timeout-ms=";
    private static final String DATA = "--data=";
    private static final String SERVE_FILE = "--serve-file=";
    private static final String SESSION_LIFETIME = "--session-lifetime-ms=";
    private static final String TICKET_LIFETIME = "--ticket-lifetime-ms=";
    private static final String ALLOW_REGISTER = "--allow-register";

    public WorkerSettings {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(serveFile, "serveFile");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        if (!sessionLifetime.isPositive()) {
            throw new IllegalArgumentException("session lifetime must be positive: " + sessionLifetime);
        }
        Objects.requireNonNull(ticketLifetime, "ticketLifetime");
        if (!ticketLifetime.isPositive()) {
            throw new IllegalArgumentException("ticket lifetime must be positive: " + ticketLifetime);
        }
        if (!idleTimeout.isPositive()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        if (!stallTimeout.isPositive()) {
            throw new IllegalArgumentException("stall timeout must be positive: " + stallTimeout);
        }
        if (!handshakeTimeout.isPositive()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
    }

    /** The worker command-line arguments that carry these settings (after the worker number). */
    public List<String> toArguments() {
        List<String> arguments = new ArrayList<>(List.of(HANDSHAKE + handshakeTimeout.toMillis(),
                IDLE + idleTimeout.toMillis(), STALL + stallTimeout.toMillis(), DATA + dataDir.toAbsolutePath(),
                SESSION_LIFETIME + sessionLifetime.toMillis(), TICKET_LIFETIME + ticketLifetime.toMillis()));
        serveFile.ifPresent(file -> arguments.add(SERVE_FILE + file.toAbsolutePath()));
        if (allowRegister) {
            arguments.add(ALLOW_REGISTER);
        }
        return arguments;
    }

    /** Reads what {@link #toArguments()} wrote. */
    public static WorkerSettings fromArguments(List<String> arguments) {
        Duration handshake = null;
        Duration idle = null;
        Duration stall = null;
        Path data = null;
        Path serveFile = null;
        Duration sessionLifetime = null;
        Duration ticketLifetime = null;
        boolean allowRegister = false;
        for (String argument : arguments) {
            if (argument.startsWith(HANDSHAKE)) {
                handshake = Duration.ofMillis(Long.parseLong(argument.substring(HANDSHAKE.length())));
            } else if (argument.startsWith(IDLE)) {
                idle = Duration.ofMillis(Long.parseLong(argument.substring(IDLE.length())));
            } else if (argument.startsWith(STALL)) {
                stall = Duration.ofMillis(Long.parseLong(argument.substring(STALL.length())));
            } else if (argument.startsWith(DATA)) {
                data = Path.of(argument.substring(DATA.length()));
            } else if (argument.startsWith(SERVE_FILE)) {
                serveFile = Path.of(argument.substring(SERVE_FILE.length()));
            } else if (argument.startsWith(SESSION_LIFETIME)) {
                sessionLifetime = Duration.ofMillis(Long.parseLong(argument.substring(SESSION_LIFETIME.length())));
            } else if (argument.startsWith(TICKET_LIFETIME)) {
                ticketLifetime = Duration.ofMillis(Long.parseLong(argument.substring(TICKET_LIFETIME.length())));
            } else if (argument.equals(ALLOW_REGISTER)) {
                allowRegister = true;
            } else {
                throw new IllegalArgumentException("unknown worker argument: " + argument);
            }
        }
        if (handshake == null || idle == null || stall == null || data == null || sessionLifetime == null
                || ticketLifetime == null) {
            throw new IllegalArgumentException("missing " + (handshake == null ? HANDSHAKE : idle == null ? IDLE
                    : stall == null ? STALL : data == null ? DATA
                    : sessionLifetime == null ? SESSION_LIFETIME : TICKET_LIFETIME));
        }
        return new WorkerSettings(handshake, idle, stall, data, Optional.ofNullable(serveFile), sessionLifetime,
                ticketLifetime, allowRegister);
    }
}
