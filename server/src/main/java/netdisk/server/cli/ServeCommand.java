package netdisk.server.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netdisk-server [serve]}: runs the server in the foreground until SIGTERM, SIGINT, SIGUSR1 or {@code stop}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = ConfigFile.class,
        description = {"Runs the server in the foreground: a master that starts WORKERS workers, listens on "
                + "HOST:PORT, and hands every connection to a worker. Files are served from DATA/files.",
                "Stops gracefully on SIGTERM, SIGINT (Ctrl-C), SIGUSR1 or 'netdisk-server stop'."},
        footer = {"", "Other commands:",
                "  netdisk-server status [--data DIR]   show the live worker table of the running server",
                "  netdisk-server stop [--data DIR]     stop it gracefully and wait until it exited",
                "  netdisk-server serve-file FILE [HOST PORT WORKERS]",
                "                                       serve one file in the tutorial's own wire format",
                "  netdisk-server user add|del|passwd|quota|list",
                "                                       manage accounts (netdisk-server user --help)",
                "", "Exit codes: 0 ok, 1 failure (e.g. port in use), 2 usage error, 3 no server running."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServeOptions options;

    @Parameters(arity = "0..3", paramLabel = "HOST PORT WORKERS",
            description = "The tutorial's form: same as --host HOST --port PORT --workers WORKERS.")
    List<String> positional;

    @Override
    public Integer call() throws Exception {
        var config = options.toConfig(spec.commandLine(), positional, Optional.empty());
        return ServerRunner.run(config, spec.commandLine().getErr());
    }
}
