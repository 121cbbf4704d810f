package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import netdisk.client.NetdiskClient;
import netdisk.client.RemotePath;
import netdisk.client.ServerRefusedException;
import netdisk.client.TransferConnection;
import netdisk.client.TransferListener;
import netdisk.client.progress.ProgressBar;
import netdisk.client.progress.Units;
import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileInfo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code get [-r] REMOTE [LOCAL]}: downloads into a temporary file beside its target and renames it into place only
 * when complete and verified (its SHA-256 is the one the server announced), so that a failed, cancelled or damaged
 * download never leaves a file that looks whole. LOCAL may be a directory (the remote name is kept), {@code -} for
 * stdout, or a device such as {@code /dev/null} (written directly: a mismatch can then only be reported, by the exit
 * code). With {@code -r}, a remote directory comes down as a local one, file by file the same way.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Downloads REMOTE into LOCAL (default: its name, in the local working directory).")
final class GetCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-r", "-R", "--recursive"}, description = "Download a directory with everything in it.")
    boolean recursive;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar, no summary.")
    boolean quiet;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "" + PutCommand.DEFAULT_PARALLEL,
            description = "With -r: files fetched at once, each on a transfer connection of its own; small files"
                    + " come pipelined in batches (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Parameters(index = "0", paramLabel = "REMOTE", description = "Remote file (or, with -r, directory).")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL",
            description = "Where to save it: a file, a directory, - for stdout, or a device like /dev/null.")
    String local;

    private final Remote remote;
    private long files;
    private long bytes;

    GetCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        files = 0;
        bytes = 0;
        if (parallel < 1 || parallel > PutCommand.MAX_PARALLEL) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--parallel must be 1 to " + PutCommand.MAX_PARALLEL + ", got " + parallel);
        }
        String path = remote.resolve(source);
        NetdiskClient client = remote.client();
        if ("-".equals(local)) {
            try (var progress = progress()) {
                onTransferConnection(connection -> connection.getFile(path, Channels.newChannel(System.out),
                        progress));
                System.out.flush();
                progress.finish();
            }
            return ExitCodes.OK;
        }
        String name = RemotePath.name(path);
        if (recursive && client.stat(path).entry().isDirectory()) {
            Path target = directoryTarget(name);
            downloadTree(path, target);
            summary(path, target, files + (files == 1 ? " file, " : " files, ") + Units.bytes(bytes));
            return ExitCodes.OK;
        }
        if (name.isEmpty()) {
            throw new ServerRefusedException(ErrorReply.of(ErrorCode.IS_A_DIRECTORY, "/ is a directory: use get -r"));
        }
        Path target = fileTarget(name);
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            try (FileChannel device = FileChannel.open(target, StandardOpenOption.WRITE);
                 var progress = progress()) {
                onTransferConnection(connection -> connection.getFile(path, device, progress));
                progress.finish();
            }
            return ExitCodes.OK;
        }
        download(path, target);
        summary(path, target, Units.bytes(bytes));
        return ExitCodes.OK;
    }

    /** What a download does with a transfer connection. */
    private interface Transfer {
        FileInfo run(NetdiskClient connection) throws IOException;
    }

    /** Runs {@code transfer} on a transfer connection of its own, closed afterwards. */
    private FileInfo onTransferConnection(Transfer transfer) throws IOException {
        TransferConnection connection = remote.openTransfer();
        try {
            return transfer.run(connection.client());
        } finally {
            remote.closed(connection);
        }
    }

    private ProgressListener progress() {
        return new ProgressListener("get", quiet, spec.commandLine().getErr());
    }

    private Path fileTarget(String name) {
        if (local == null) {
            return remote.local(name);
        }
        Path path = remote.local(local);
        return Files.isDirectory(path) ? path.resolve(name) : path;
    }

    /** A directory comes down into LOCAL/name when LOCAL is an existing directory, else as LOCAL itself. */
    private Path directoryTarget(String name) {
        if (local == null) {
            return remote.local(name.isEmpty() ? "." : name);
        }
        Path path = remote.local(local);
        return Files.isDirectory(path) && !name.isEmpty() ? path.resolve(name) : path;
    }

    /**
     * Lists the remote tree on the session and makes its directories locally, then fetches its files over
     * {@code --parallel} transfer connections ({@link TreeDownload}) under one progress bar.
     */
    private void downloadTree(String directory, Path target) throws Exception {
        List<TreeDownload.Job> jobs = new ArrayList<>();
        listTree(directory, target, jobs);
        long total = jobs.stream().mapToLong(TreeDownload.Job::size).sum();
        try (var progress = new CombinedProgress("get", jobs.size(), total, ProgressBar.styleFor(quiet),
                spec.commandLine().getErr())) {
            TreeDownload.Result result = new TreeDownload(remote, parallel, progress).run(jobs);
            progress.finish();
            files = result.files();
            bytes = result.bytes();
        }
    }

    private void listTree(String directory, Path target, List<TreeDownload.Job> jobs) throws IOException {
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new LocalFileException("cannot create the directory " + target + ": " + e.getMessage(), e);
        }
        for (Entry entry : remote.client().list(directory)) {
            RemotePath.checkName(entry.name()); // never let a name from the server climb out of the target
            String child = RemotePath.child(directory, entry.name());
            Path localChild = target.resolve(entry.name());
            if (entry.isDirectory()) {
                listTree(child, localChild, jobs);
            } else {
                jobs.add(new TreeDownload.Job(child, localChild, entry.size()));
            }
        }
    }

    private void download(String path, Path target) throws IOException {
        try (var progress = progress()) {
            FileInfo info = onTransferConnection(connection -> downloadFile(connection, path, target, progress));
            progress.finish();
            files++;
            bytes += info.size();
        }
    }

    /**
     * Downloads {@code path} into {@code target} through a temporary file beside it, renamed into place once complete
     * and verified; a failure leaves no file that looks complete.
     */
    static FileInfo downloadFile(NetdiskClient client, String path, Path target, TransferListener listener)
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
            FileInfo info = client.getFile(path, out, listener); // a mismatch throws: the partial file goes
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            complete = true;
            return info;
        } finally {
            if (!complete) {
                Files.deleteIfExists(partial);
            }
        }
    }

    private void summary(String path, Path target, String what) {
        if (!quiet) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("get: %s -> %s (%s)%n", path, target, what);
            out.flush();
        }
    }
}
