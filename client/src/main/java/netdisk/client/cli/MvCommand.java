package netdisk.client.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mv SRC DST}: moves or renames on the server; never replaces an entry. */
@Command(name = "mv", mixinStandardHelpOptions = true,
        description = "Moves or renames SRC: into DST if it is a directory, else to DST. Never replaces anything.")
final class MvCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "Remote file or directory.")
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "Remote directory or new path.")
    String target;

    private final Remote remote;

    MvCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        String from = remote.resolve(source);
        remote.client().move(from, Placement.target(remote, from, target));
        return ExitCodes.OK;
    }
}
