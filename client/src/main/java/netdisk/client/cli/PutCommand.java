package netdisk.client.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

import netdisk.client.NetdiskClient;
import netdisk.client.progress.Units;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netdisk put LOCAL [REMOTE]}: uploads a file. The server keeps it out of sight until it is complete and
 * flushed, then renames it into place, replacing a file of the same name.
 */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = "Uploads LOCAL as REMOTE (default: LOCAL's name, at the top of the server's files).")
final class PutCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    ClientMain parent;

    @Parameters(index = "0", paramLabel = "LOCAL", description = "The file to upload.")
    Path local;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REMOTE",
            description = "Path on the server; ending in / means a directory there, keeping LOCAL's name.")
    String remote;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar, no summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        String name = local.getFileName().toString();
        String target = remote == null ? name : remote.endsWith("/") ? remote + name : remote;
        FileChannel source = open(local);
        ServerOptions server = parent.server;
        try (source;
             var client = NetdiskClient.connect(server.host, server.port, server.timeout());
             var progress = new ProgressListener("put", quiet, spec.commandLine().getErr())) {
            long size = source.size();
            client.put(source, size, target, progress);
            progress.finish();
            if (!quiet) {
                spec.commandLine().getOut().printf("put: %s -> %s (%s)%n", local, target, Units.bytes(size));
            }
        }
        return ExitCodes.OK;
    }

    private static FileChannel open(Path file) throws LocalFileException {
        if (Files.isDirectory(file)) {
            throw new LocalFileException(file + " is a directory (directories come with put -r, not built yet)");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new LocalFileException("no such file: " + file, e);
        } catch (AccessDeniedException e) {
            throw new LocalFileException("cannot read " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new LocalFileException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }
}
