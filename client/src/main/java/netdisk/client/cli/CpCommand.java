package netdisk.client.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cp SRC DST}: copies a file on the server, which shares the content instead of copying bytes. */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = "Copies the file SRC: into DST if it is a directory, else to DST. Never replaces anything.")
final class CpCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "Remote file.")
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "Remote directory or new path.")
    String target;

    private final Remote remote;

    CpCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        String from = remote.resolve(source);
        remote.client().copy(from, Placement.target(remote, from, target));
        return ExitCodes.OK;
    }
}
