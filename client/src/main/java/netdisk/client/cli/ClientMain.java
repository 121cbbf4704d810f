package netdisk.client.cli;

import netdisk.protocol.NetdiskVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code netdisk [--host H] [--port P] COMMAND}: the command-line client. */
@Command(name = "netdisk", mixinStandardHelpOptions = true, versionProvider = ClientMain.Version.class,
        description = "The netdisk client.",
        subcommands = {PingCommand.class, GetCommand.class, PutCommand.class},
        footer = {"", "Exit codes: " + ExitCodes.SUMMARY})
public final class ClientMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ServerOptions server;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new ClientMain())
                .setExecutionExceptionHandler(ExitCodes::handle)
                .execute(args);
    }

    /** No command: the interactive shell belongs here, and is not built yet. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "the interactive shell is not built yet: give a command (see netdisk --help)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netdisk " + NetdiskVersion.VALUE};
        }
    }
}
