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
 * @param dataDir the server's data directory (the files area is {@code DATA/files})
 * @param serveFile for {@code serve-file}: the one file every connection gets, in the tutorial's format
 */
public record WorkerSettings(Duration handshakeTimeout, Path dataDir, Optional<Path> serveFile) {

    private static final String HANDSHAKE = "--handshake-timeout-ms=";
    private static final String DATA = "--data=";
    private static final String SERVE_FILE = "--serve-file=";

    public WorkerSettings {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(serveFile, "serveFile");
        if (!handshakeTimeout.isPositive()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
    }

    /** The worker command-line arguments that carry these settings (after the worker number). */
    public List<String> toArguments() {
        List<String> arguments = new ArrayList<>(List.of(HANDSHAKE + handshakeTimeout.toMillis(),
                DATA + dataDir.toAbsolutePath()));
        serveFile.ifPresent(file -> arguments.add(SERVE_FILE + file.toAbsolutePath()));
        return arguments;
    }

    /** Reads what {@link #toArguments()} wrote. */
    public static WorkerSettings fromArguments(List<String> arguments) {
        Duration handshake = null;
        Path data = null;
        Path serveFile = null;
        for (String argument : arguments) {
            if (argument.startsWith(HANDSHAKE)) {
                handshake = Duration.ofMillis(Long.parseLong(argument.substring(HANDSHAKE.length())));
            } else if (argument.startsWith(DATA)) {
                data = Path.of(argument.substring(DATA.length()));
            } else if (argument.startsWith(SERVE_FILE)) {
                serveFile = Path.of(argument.substring(SERVE_FILE.length()));
            } else {
                throw new IllegalArgumentException("unknown worker argument: " + argument);
            }
        }
        if (handshake == null || data == null) {
            throw new IllegalArgumentException("missing " + (handshake == null ? HANDSHAKE : DATA));
        }
        return new WorkerSettings(handshake, data, Optional.ofNullable(serveFile));
    }
}
