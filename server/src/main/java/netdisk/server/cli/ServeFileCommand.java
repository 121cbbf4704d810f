package netdisk.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code netdisk-server serve-file FILE [HOST PORT WORKERS]}: the same master and worker pool, but every connection
 * receives FILE in the tutorial's final wire format (8-byte little-endian name length and file size, the base name,
 * the content), then the server closes it. A client written for the tutorial downloads from it unchanged.
 */
@Command(name = "serve-file", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = ConfigFile.class,
        description = {"Serves one FILE to every client in the tutorial's own wire format: 8-byte name length and "
                + "8-byte file size (little-endian), the base name, then the content; then closes the connection.",
                "Same master, workers, signals and 'status'/'stop' as 'serve'."})
final class ServeFileCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ServeOptions options;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file every client receives.")
    Path file;

    @Parameters(index = "1..3", arity = "0..3", paramLabel = "HOST PORT WORKERS",
            description = "The tutorial's form: same as --host HOST --port PORT --workers WORKERS.")
    List<String> positional;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "not a readable file: " + file);
        }
        var config = options.toConfig(spec.commandLine(), positional, Optional.of(file.toAbsolutePath()));
        return ServerRunner.run(config, spec.commandLine().getErr());
    }
}
