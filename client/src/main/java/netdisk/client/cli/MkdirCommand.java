package netdisk.client.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mkdir [-p] PATH...}: creates remote directories. */
@Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Creates remote directories.")
final class MkdirCommand implements Callable<Integer> {

    @Option(names = "-p", description = "Create missing parents too, and accept a directory that exists.")
    boolean parents;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Remote directory to create.")
    List<String> paths;

    private final Remote remote;

    MkdirCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        for (String path : paths) {
            remote.client().mkdir(remote.resolve(path), parents);
        }
        return ExitCodes.OK;
    }
}
