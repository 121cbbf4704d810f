package netdisk.server.worker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a worker needs to know beyond its identity; the master passes it to worker processes on their command line.
 *
 * @param handshakeTimeout how long a new connection may take to send its Hello
 */
public record WorkerSettings(Duration handshakeTimeout) {

    public WorkerSettings {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
    }

    /** The worker command-line arguments that carry these settings (after the worker number). */
    public List<String> toArguments() {
        return List.of("--handshake-timeout-ms=" + handshakeTimeout.toMillis());
    }

    /** Reads what {@link #toArguments()} wrote. */
    public static WorkerSettings fromArguments(List<String> arguments) {
        Duration handshake = null;
        for (String argument : arguments) {
            if (argument.startsWith("--handshake-timeout-ms=")) {
                handshake = Duration.ofMillis(Long.parseLong(argument.substring(argument.indexOf('=') + 1)));
            } else {
                throw new IllegalArgumentException("unknown worker argument: " + argument);
            }
        }
        if (handshake == null) {
            throw new IllegalArgumentException("missing --handshake-timeout-ms");
        }
        return new WorkerSettings(handshake);
    }
}
