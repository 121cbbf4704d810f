package netdisk.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import netdisk.protocol.NetdiskVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code netdisk-server [serve] [OPTIONS] [HOST PORT WORKERS]}, {@code netdisk-server status|stop [--data DIR]},
 * {@code netdisk-server user ...}. Without a command name the arguments are {@code serve}'s, so the tutorial's
 * {@code netdisk-server HOST PORT WORKERS} works as it is.
 */
@Command(name = "netdisk-server", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        description = "The netdisk server: a master process with a pool of workers.",
        subcommands = {ServeCommand.class, ServeFileCommand.class, StatusCommand.class, StopCommand.class,
                UserCommand.class})
public final class ServerMain {

    /** Exit codes of every netdisk-server command. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;

    private static final Set<String> COMMANDS = Set.of("serve", "serve-file", "status", "stop", "user", "-V",
            "--version");

    private final PasswordInput passwords;

    private ServerMain(PasswordInput passwords) {
        this.passwords = passwords;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return execute(commandLine(PasswordInput.system()), args);
    }

    /** Every command, reading new passwords from {@code passwords}; tests pass their own, and set out and err. */
    static CommandLine commandLine(PasswordInput passwords) {
        return new CommandLine(new ServerMain(passwords))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("netdisk-server: " + e.getMessage());
                    return FAILED;
                });
    }

    /** Runs {@code args} on {@code commandLine}; without a command name first, they are {@code serve}'s. */
    static int execute(CommandLine commandLine, String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        if (arguments.isEmpty() || !COMMANDS.contains(arguments.getFirst())) {
            arguments.addFirst("serve");
        }
        return commandLine.execute(arguments.toArray(String[]::new));
    }

    /** Where {@code user add} and {@code user passwd} read new passwords from. */
    PasswordInput passwords() {
        return passwords;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netdisk-server " + NetdiskVersion.VALUE};
        }
    }
}
