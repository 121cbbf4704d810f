package netdisk.client.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lcd [DIR]}: the shell's local working directory, against which put and get resolve local paths. */
@Command(name = "lcd", mixinStandardHelpOptions = true,
        description = "Changes the local working directory (default: the home directory).")
final class LcdCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "LOCAL", description = "Local directory.")
    String directory;

    private final Remote remote;

    LcdCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        Path path = remote.local(directory == null ? "~" : directory);
        if (!Files.isDirectory(path)) {
            throw new LocalFileException(Files.exists(path) ? path + " is not a directory"
                    : "no such directory: " + path);
        }
        remote.changeLocalDirectory(path);
        return ExitCodes.OK;
    }
}
