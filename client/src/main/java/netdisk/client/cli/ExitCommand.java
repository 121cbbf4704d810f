package netdisk.client.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** {@code exit} or {@code quit}: leaves the shell (so does Ctrl-D). The shell sees this command and stops. */
@Command(name = "exit", aliases = "quit", mixinStandardHelpOptions = true, description = "Leaves the shell.")
final class ExitCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return ExitCodes.OK;
    }
}
