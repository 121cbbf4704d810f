package netdisk.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import netdisk.protocol.Welcome;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netdisk ping}: connect, handshake, and say which server version and which worker answered. Needs no login:
 * it is how to tell whether a server is there at all.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Connects, does the handshake, and prints the server's version and the worker that answered.")
final class PingCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "1",
            description = "Round trips to time after the handshake (default: ${DEFAULT-VALUE}).")
    int count;

    private final Remote remote;

    PingCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        long start = System.nanoTime();
        try (var client = remote.connect()) {
            long handshake = System.nanoTime() - start;
            Welcome welcome = client.welcome();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("netdisk-server %s (protocol %d.%d) at %s%n", welcome.serverVersion(), welcome.major(),
                    welcome.minor(), remote.server());
            out.printf("answered by worker %d (pid %d), handshake %.2f ms%n", welcome.workerNumber(),
                    welcome.workerPid(), handshake / 1e6);
            for (int i = 1; i <= count; i++) {
                out.printf("ping %d: %.3f ms%n", i, client.ping() / 1e6);
            }
            out.flush();
        }
        return ExitCodes.OK;
    }
}
