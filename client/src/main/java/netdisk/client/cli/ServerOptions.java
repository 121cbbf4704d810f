package netdisk.client.cli;

import java.time.Duration;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Where the server is: {@code --host}, {@code --port}, {@code --timeout}; given before or after the command. */
final class ServerOptions {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 7477;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = DEFAULT_HOST, scope = ScopeType.INHERIT,
            description = "Server host name or address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT, scope = ScopeType.INHERIT,
            description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", scope = ScopeType.INHERIT,
            description = "Connect timeout (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
