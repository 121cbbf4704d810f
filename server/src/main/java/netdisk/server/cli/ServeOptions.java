package netdisk.server.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import netdisk.server.ServerConfig;
import netdisk.server.WorkerMode;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code serve} and {@code serve-file}, and how they (with HOST PORT WORKERS) become a config. */
final class ServeOptions {

    @Option(names = ConfigFile.OPTION, paramLabel = "FILE",
            description = "Read defaults for these options from FILE, a properties file whose keys are the option "
                    + "names without '--' (port = 7477, queue-timeout = 30s); options given here override it.")
    Path config;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on; :: or 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "TCP port; 0 picks a free one and logs it (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--workers", paramLabel = "N", description = "Workers started before accepting "
            + "(default: one per core, at least 2).", defaultValue = "-1")
    int workers;

    @Option(names = "--mode", paramLabel = "MODE", description = "process (each worker its own JVM, connections "
            + "passed as file descriptors) or thread (workers in this JVM) (default: process on Linux).")
    String mode;

    @Mixin
    DataOption data;

    @Option(names = "--sessions-per-worker", paramLabel = "N", defaultValue = ""
            + ServerConfig.DEFAULT_SESSIONS_PER_WORKER,
            description = "Sessions one worker serves at once before it is full (default: ${DEFAULT-VALUE}).")
    int sessionsPerWorker;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_QUEUE_CAPACITY,
            description = "Connections that may wait when every worker is full; past that clients get "
                    + "'server busy' (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--queue-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long a connection may wait for a worker (default: ${DEFAULT-VALUE}).")
    Duration queueTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "On stop, how long in-flight work may take to finish (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long a new connection may take to say Hello (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = DurationConverter.class,
            description = "How long a session may wait between requests before it is closed; a session with a "
                    + "request or transfer in progress is never idle (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "2m",
            converter = DurationConverter.class,
            description = "How long a request or transfer in progress may wait for its client without a byte moving "
                    + "(the client stopped sending or reading) before the connection is ended; an upload ended so "
                    + "is kept for resume (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = "--worker-heartbeat", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How often each worker is asked whether it is alive; one that misses 3 answers in a row "
                    + "is killed and replaced (default: ${DEFAULT-VALUE}).")
    Duration workerHeartbeat;

    @Option(names = "--allow-register", paramLabel = "BOOLEAN", arity = "0..1", defaultValue = "false",
            fallbackValue = "true", description = "Let clients create their own accounts; otherwise only the "
                    + "administrator does (default: ${DEFAULT-VALUE}).")
    boolean allowRegister;

    @Option(names = "--session-lifetime", paramLabel = "DURATION", defaultValue = "30d",
            converter = DurationConverter.class,
            description = "How long a login lasts without use; each use after half of it starts it again "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration sessionLifetime;

    @Option(names = "--ticket-lifetime", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How long a transfer ticket logs new transfer connections in; clients renew theirs while"
                    + " they work (default: ${DEFAULT-VALUE}).")
    Duration ticketLifetime;

    @Option(names = "--upload-expiry", paramLabel = "DURATION", defaultValue = "7d",
            converter = DurationConverter.class,
            description = "How long an upload that broke off is kept for the client to resume it, counted from its "
                    + "last use; then it is deleted (default: ${DEFAULT-VALUE}).")
    Duration uploadExpiry;

    @Option(names = "--worker-jvm-options", paramLabel = "OPTIONS", split = " ",
            description = "JVM options for worker processes, space-separated (default: a small serial-GC JVM). "
                    + "Each worker also runs its virtual threads on its share of the cores unless these set "
                    + "-Djdk.virtualThreadScheduler.parallelism.")
    List<String> workerJvmOptions;

    @Option(names = "--class-cache", paramLabel = "DIR|off",
            description = "Where worker processes keep the class archive that makes them start sooner; the first "
                    + "worker that stops cleanly makes it (default: DATA/cache; off: none).")
    String classCache;

    /**
     * The config these options describe, with the tutorial's positional HOST PORT WORKERS (if given) in place of
     * {@code --host/--port/--workers}.
     *
     * @throws CommandLine.ParameterException for values that make no sense, or both forms at once, or a bad
     *     {@code --config} file
     */
    ServerConfig toConfig(CommandLine commandLine, List<String> positional, Optional<Path> serveFile) {
        if (commandLine.getDefaultValueProvider() instanceof ConfigFile file) {
            file.values(commandLine.getCommandSpec()); // checked even when the command line gave every option
        }
        try {
            String h = host;
            int p = port;
            int w = workers < 0 ? ServerConfig.defaultWorkers() : workers;
            if (positional != null && !positional.isEmpty()) {
                var parsed = commandLine.getParseResult();
                if (parsed.hasMatchedOption("--host") || parsed.hasMatchedOption("--port")
                        || parsed.hasMatchedOption("--workers")) {
                    throw new IllegalArgumentException("give HOST PORT WORKERS or --host/--port/--workers, not both");
                }
                h = positional.get(0);
                p = positional.size() > 1 ? parseInt(positional.get(1), "PORT") : p;
                w = positional.size() > 2 ? parseInt(positional.get(2), "WORKERS") : w;
            }
            WorkerMode m = mode == null ? WorkerMode.platformDefault() : parseMode(mode);
            Path dataDir = data.resolve();
            return new ServerConfig(h, p, w, m, dataDir, sessionsPerWorker, queue,
                    queueTimeout, drainTimeout, handshakeTimeout, idleTimeout, stallTimeout, workerHeartbeat, allowRegister, sessionLifetime,
                    ticketLifetime, uploadExpiry,
                    workerJvmOptions == null ? ServerConfig.DEFAULT_WORKER_JVM_OPTIONS : workerJvmOptions,
                    classCache(dataDir), serveFile);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    private Optional<Path> classCache(Path dataDir) {
        if (classCache == null) {
            return Optional.of(ServerConfig.defaultClassCache(dataDir));
        }
        if (classCache.equals("off")) {
            return Optional.empty();
        }
        if (classCache.isBlank()) {
            throw new IllegalArgumentException("--class-cache must be a directory or off");
        }
        return Optional.of(Path.of(classCache).toAbsolutePath());
    }

    private static WorkerMode parseMode(String text) {
        try {
            return WorkerMode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode must be process or thread, not " + text);
        }
    }

    private static int parseInt(String text, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, not " + text);
        }
    }
}
