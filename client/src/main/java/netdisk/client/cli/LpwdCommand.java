package netdisk.client.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lpwd}: the shell's local working directory. */
@Command(name = "lpwd", mixinStandardHelpOptions = true, description = "Prints the local working directory.")
final class LpwdCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Remote remote;

    LpwdCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(remote.localDirectory());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
