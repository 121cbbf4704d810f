package netdisk.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import netdisk.protocol.NetdiskVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code netdisk-server [serve] [OPTIONS] [HOST PORT WORKERS]}, {@code netdisk-server status|stop [--data DIR]}.
 * Without a command name the arguments are {@code serve}'s, so the tutorial's {@code netdisk-server HOST PORT WORKERS}
 * works as it is.
 */
@Command(name = "netdisk-server", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        description = "The netdisk server: a master process with a pool of workers.",
        subcommands = {ServeCommand.class, ServeFileCommand.class, StatusCommand.class, StopCommand.class})
public final class ServerMain {

    /** Exit codes of every netdisk-server command. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;

    private static final Set<String> COMMANDS = Set.of("serve", "serve-file", "status", "stop", "-V", "--version");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        if (arguments.isEmpty() || !COMMANDS.contains(arguments.getFirst())) {
            arguments.addFirst("serve");
        }
        return new CommandLine(new ServerMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("netdisk-server: " + e.getMessage());
                    return FAILED;
                })
                .execute(arguments.toArray(String[]::new));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netdisk-server " + NetdiskVersion.VALUE};
        }
    }
}
