package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lls [DIR]}: a local directory's names, as {@code ls} shows remote ones (directories end in /). */
@Command(name = "lls", mixinStandardHelpOptions = true,
        description = "Lists a local directory (default: the local working directory); directories end in /.")
final class LlsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "LOCAL", description = "Local directory.")
    String directory;

    private final Remote remote;

    LlsCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        Path path = directory == null ? remote.localDirectory() : remote.local(directory);
        List<String> names;
        try (Stream<Path> entries = Files.list(path)) {
            names = entries.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new LocalFileException("no such directory: " + path, e);
        } catch (IOException e) {
            throw new LocalFileException("cannot list " + path + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        names.forEach(out::println);
        out.flush();
        return ExitCodes.OK;
    }
}
