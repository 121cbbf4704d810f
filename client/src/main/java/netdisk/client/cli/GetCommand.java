package netdisk.client.cli;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.Callable;

import netdisk.client.NetdiskClient;
import netdisk.client.progress.Units;
import netdisk.protocol.FileHeader;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netdisk get REMOTE [LOCAL]}: downloads into a temporary file beside LOCAL and renames it into place only when
 * complete, so that a failed download never leaves a file that looks whole. LOCAL may be a directory (the remote
 * name is kept), {@code -} for stdout, or a device such as {@code /dev/null} (written directly).
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Downloads REMOTE into LOCAL (default: its name, in the current directory).")
final class GetCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    ClientMain parent;

    @Parameters(index = "0", paramLabel = "REMOTE", description = "Path of the file on the server.")
    String remote;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL",
            description = "Where to save it: a file, a directory, - for stdout, or a device like /dev/null.")
    String local;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar, no summary.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        ServerOptions server = parent.server;
        try (var client = NetdiskClient.connect(server.host, server.port, server.timeout());
             var progress = new ProgressListener("get", quiet, spec.commandLine().getErr())) {
            if ("-".equals(local)) {
                client.get(remote, Channels.newChannel(System.out), progress);
                System.out.flush();
                progress.finish();
                return ExitCodes.OK;
            }
            Path target = target();
            if (Files.exists(target) && !Files.isRegularFile(target)) {
                try (FileChannel device = FileChannel.open(target, StandardOpenOption.WRITE)) {
                    client.get(remote, device, progress);
                }
                progress.finish();
                return ExitCodes.OK;
            }
            FileHeader header = downloadViaTemporaryFile(client, target, progress);
            progress.finish();
            if (!quiet) {
                spec.commandLine().getOut().printf("get: %s -> %s (%s)%n", remote, target, Units.bytes(header.size()));
            }
            return ExitCodes.OK;
        }
    }

    private Path target() {
        String remoteName = remote.replaceAll("/+$", "");
        remoteName = remoteName.substring(remoteName.lastIndexOf('/') + 1);
        if (local == null) {
            return Path.of(remoteName);
        }
        Path path = Path.of(local);
        return Files.isDirectory(path) ? path.resolve(remoteName) : path;
    }

    private FileHeader downloadViaTemporaryFile(NetdiskClient client, Path target, ProgressListener progress)
            throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path partial = directory.resolve("." + target.getFileName() + ".netdisk-part-" + UUID.randomUUID());
        FileChannel out;
        try {
            out = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new LocalFileException("no such directory: " + directory, e);
        } catch (AccessDeniedException e) {
            throw new LocalFileException("cannot write in " + directory + ": permission denied", e);
        } catch (IOException e) {
            throw new LocalFileException("cannot create " + partial + ": " + e.getMessage(), e);
        }
        boolean complete = false;
        try (out) {
            FileHeader header = client.get(remote, out, progress);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            complete = true;
            return header;
        } finally {
            if (!complete) {
                Files.deleteIfExists(partial);
            }
        }
    }
}
