package netdisk.client.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pwd}: the remote working directory, as saved; no need to ask the server. */
@Command(name = "pwd", mixinStandardHelpOptions = true, description = "Prints the remote working directory.")
final class PwdCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Remote remote;

    PwdCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(remote.workingDirectory());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
