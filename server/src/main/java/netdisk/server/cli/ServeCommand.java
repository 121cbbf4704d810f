package netdisk.server.cli;

import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import netdisk.server.Server;
import netdisk.server.ServerConfig;
import netdisk.server.StopRequest;
import netdisk.server.WorkerMode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code netdisk-server [serve]}: runs the server in the foreground until SIGTERM, SIGINT, SIGUSR1 or {@code stop}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the server in the foreground: a master that starts WORKERS workers, listens on "
                + "HOST:PORT, and hands every connection to a worker.",
                "Stops gracefully on SIGTERM, SIGINT (Ctrl-C), SIGUSR1 or 'netdisk-server stop'."},
        footer = {"", "Other commands:",
                "  netdisk-server status [--data DIR]   show the live worker table of the running server",
                "  netdisk-server stop [--data DIR]     stop it gracefully and wait until it exited",
                "", "Exit codes: 0 ok, 1 failure (e.g. port in use), 2 usage error, 3 no server running."})
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on; :: or 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "TCP port; 0 picks a free one and logs it (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--workers", paramLabel = "N", description = "Workers started before accepting "
            + "(default: one per core, at least 2; here ${DEFAULT-VALUE}).", defaultValue = "-1")
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

    @Option(names = "--queue-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long a connection may wait for a worker (default: ${DEFAULT-VALUE}).")
    long queueTimeoutSeconds;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "On stop, how long in-flight work may take to finish (default: ${DEFAULT-VALUE}).")
    long drainTimeoutSeconds;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long a new connection may take to say Hello (default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutSeconds;

    @Option(names = "--worker-jvm-options", paramLabel = "OPTIONS", split = " ",
            description = "JVM options for worker processes, space-separated (default: a small serial-GC JVM).")
    List<String> workerJvmOptions;

    @Parameters(arity = "0..3", paramLabel = "HOST PORT WORKERS",
            description = "The tutorial's form: same as --host HOST --port PORT --workers WORKERS.")
    List<String> positional;

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        var stopRequest = new StopRequest();
        installSignalHandlers(stopRequest); // before starting: a signal during the start stops the server once up
        Server server;
        try {
            server = Server.start(config, stopRequest);
        } catch (BindException e) {
            spec.commandLine().getErr().println("netdisk-server: cannot listen on " + config.host() + ":"
                    + config.port() + ": " + e.getMessage() + " (choose another with --port, or 0 for any free port)");
            return ServerMain.FAILED;
        } catch (IOException e) {
            spec.commandLine().getErr().println("netdisk-server: " + e.getMessage());
            return ServerMain.FAILED;
        }
        stopRequest.await();
        server.stop();
        return ServerMain.OK;
    }

    private ServerConfig config() {
        String h = host;
        int p = port;
        int w = workers < 0 ? ServerConfig.defaultWorkers() : workers;
        if (positional != null && !positional.isEmpty()) {
            var parsed = spec.commandLine().getParseResult();
            if (parsed.hasMatchedOption("--host") || parsed.hasMatchedOption("--port")
                    || parsed.hasMatchedOption("--workers")) {
                throw new IllegalArgumentException("give HOST PORT WORKERS or --host/--port/--workers, not both");
            }
            h = positional.get(0);
            p = positional.size() > 1 ? parseInt(positional.get(1), "PORT") : p;
            w = positional.size() > 2 ? parseInt(positional.get(2), "WORKERS") : w;
        }
        WorkerMode m = mode == null ? WorkerMode.platformDefault() : parseMode(mode);
        return new ServerConfig(h, p, w, m, data.resolve(), sessionsPerWorker, queue,
                Duration.ofSeconds(queueTimeoutSeconds), Duration.ofSeconds(drainTimeoutSeconds),
                Duration.ofSeconds(handshakeTimeoutSeconds),
                workerJvmOptions == null ? ServerConfig.DEFAULT_WORKER_JVM_OPTIONS : workerJvmOptions);
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

    /**
     * TERM, INT and USR1 all mean "stop gracefully". Handlers run on a daemon thread, so they only wake the main
     * (non-daemon) thread, which does the stopping. A SIGINT inherited as ignored (nohup, a background job) stays
     * ignored: the JDK does not install a handler over it.
     */
    private static void installSignalHandlers(StopRequest stopRequest) {
        for (String name : List.of("TERM", "INT", "USR1")) {
            SignalHandler previous = Signal.handle(new Signal(name), s -> stopRequest.request("SIG" + s.getName()));
            if (previous == SignalHandler.SIG_IGN) {
                log.info("SIG{} was ignored when the server started; it stays ignored (use SIGTERM or "
                        + "'netdisk-server stop')", name);
            }
        }
    }
}
