package netdisk.client.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rm [-r] PATH...}: deletes remote files, and directories with {@code -r} (or when empty). */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Deletes remote files; an empty directory, or any directory with -r.")
final class RmCommand implements Callable<Integer> {

    @Option(names = {"-r", "-R", "--recursive"}, description = "Delete directories with everything in them.")
    boolean recursive;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Remote file or directory.")
    List<String> paths;

    private final Remote remote;

    RmCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        for (String path : paths) {
            remote.client().remove(remote.resolve(path), recursive);
        }
        return ExitCodes.OK;
    }
}
