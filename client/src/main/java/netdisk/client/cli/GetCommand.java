package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import netdisk.client.ContentHash;
import netdisk.client.NetdiskClient;
import netdisk.client.RemotePath;
import netdisk.client.ResumableDownload;
import netdisk.client.ServerRefusedException;
import netdisk.client.TransferConnection;
import netdisk.client.progress.ProgressBar;
import netdisk.client.progress.Units;
import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code get [-r] [--[no-]resume] REMOTE [LOCAL]}: downloads into a partial file beside its target and renames it into
 * place only when complete and verified (its SHA-256 is the one the server announced), so that a failed, cancelled or
 * damaged download never leaves a file that looks whole; an interrupted one leaves its partial file, which the next
 * {@code get} of the same target resumes from ({@link ResumableDownload}). LOCAL may be a directory (the remote name
 * is kept), {@code -} for stdout, or a device such as {@code /dev/null} (written directly, never resumed: a mismatch
 * can then only be reported, by the exit code). With {@code -r}, a remote directory comes down as a local one, file by
 * file the same way.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Downloads REMOTE into LOCAL (default: its name, in the local working directory).")
final class GetCommand implements Callable<Integer> {

    /** From this size on, hashing a partial file takes long enough (tens of ms and up) to deserve a bar. */
    private static final long HASHING_SHOWN_FROM = 64L << 20;

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

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Resume from what an interrupted download into the same target left (default);"
                    + " --no-resume starts over.")
    boolean resume;

    @Parameters(index = "0", paramLabel = "REMOTE", description = "Remote file (or, with -r, directory).")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL",
            description = "Where to save it: a file, a directory, - for stdout, or a device like /dev/null.")
    String local;

    private final Remote remote;
    private long files;
    private long bytes;
    private long resumedBytes;

    GetCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        files = 0;
        bytes = 0;
        resumedBytes = 0;
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
            summary(path, target, files + (files == 1 ? " file, " : " files, ") + Units.bytes(bytes)
                    + (resumedBytes > 0 ? ", " + Units.bytes(resumedBytes) + " of it resumed" : ""));
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
        summary(path, target, Units.bytes(bytes) + (resumedBytes > 0 ? ", resumed from "
                + Units.bytes(resumedBytes) : ""));
        return ExitCodes.OK;
    }

    /** What a download does with a transfer connection. */
    private interface Transfer<T> {
        T run(NetdiskClient connection) throws IOException;
    }

    /** Runs {@code transfer} on a transfer connection of its own, closed afterwards. */
    private <T> T onTransferConnection(Transfer<T> transfer) throws IOException {
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

    /**
     * LOCAL itself, or LOCAL/name when LOCAL is an existing directory. A LOCAL typed with a trailing {@code /} is said
     * to be a directory: missing, or a file, it is an error (as for {@code cp}), never a file of that name.
     */
    private Path fileTarget(String name) throws LocalFileException {
        if (local == null) {
            return remote.local(name);
        }
        Path path = remote.local(local);
        if (Files.isDirectory(path)) {
            return path.resolve(name);
        }
        if (local.endsWith("/")) {
            throw new LocalFileException(Files.exists(path) ? local + " is not a directory"
                    : "no such directory: " + local);
        }
        return path;
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
            TreeDownload.Result result = new TreeDownload(remote, parallel, resume, progress).run(jobs);
            progress.finish();
            files = result.files();
            bytes = result.bytes();
            resumedBytes = result.resumedBytes();
        }
    }

    /**
     * Walks the remote tree a level at a time (each level's listings pipelined), making its directories locally and
     * adding its files to {@code jobs}.
     */
    private void listTree(String directory, Path target, List<TreeDownload.Job> jobs) throws IOException {
        List<String> remoteLevel = List.of(directory);
        List<Path> localLevel = List.of(target);
        while (!remoteLevel.isEmpty()) {
            for (Path local : localLevel) {
                try {
                    Files.createDirectories(local);
                } catch (IOException e) {
                    throw new LocalFileException("cannot create the directory " + local + ": " + e.getMessage(), e);
                }
            }
            List<List<Entry>> listings = remote.client().list(remoteLevel);
            List<String> remoteNext = new ArrayList<>();
            List<Path> localNext = new ArrayList<>();
            for (int i = 0; i < listings.size(); i++) {
                for (Entry entry : listings.get(i)) {
                    RemotePath.checkName(entry.name()); // never let a name from the server climb out of the target
                    String child = RemotePath.child(remoteLevel.get(i), entry.name());
                    Path localChild = localLevel.get(i).resolve(entry.name());
                    if (entry.isDirectory()) {
                        remoteNext.add(child);
                        localNext.add(localChild);
                    } else {
                        jobs.add(new TreeDownload.Job(child, localChild, entry.size()));
                    }
                }
            }
            remoteLevel = remoteNext;
            localLevel = localNext;
        }
    }

    private void download(String path, Path target) throws IOException {
        var download = ResumableDownload.into(target).resume(resume);
        try (var progress = progress(); var hashing = new PartialHashing(download.partial())) {
            ResumableDownload.Result result = onTransferConnection(
                    connection -> download.hashing(hashing).download(connection, path, progress));
            progress.finish();
            files++;
            bytes += result.size();
            resumedBytes += result.resumedFrom();
        } catch (IOException e) {
            if (remote.cancelled() && Files.exists(download.partial())) {
                throw new CancelledException("cancelled; what came is kept in " + download.partial()
                        + ": get it again to resume");
            }
            throw e;
        }
    }

    /**
     * Hashing a partial file before it is resumed: Ctrl-C in the shell stops it, and from 64 MiB on (as for put) a bar
     * shows it, which the transfer's bar then replaces.
     */
    private final class PartialHashing implements ContentHash.Progress, AutoCloseable {

        private final Path partial;
        private ProgressBar bar;
        private long left = -1;

        PartialHashing(Path partial) {
            this.partial = partial;
        }

        @Override
        public void hashed(long bytes) throws IOException {
            remote.checkCancelled();
            if (left < 0) {
                left = Files.size(partial); // locked by this download: it cannot change under the hashing
                if (left >= HASHING_SHOWN_FROM) {
                    bar = ProgressBar.create("hash " + partial.getFileName(), left, 0, ProgressBar.styleFor(quiet),
                            spec.commandLine().getErr());
                }
            }
            left -= bytes;
            if (bar != null) {
                bar.advance(bytes);
                if (left <= 0) {
                    bar.clear();
                    bar = null;
                }
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
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
