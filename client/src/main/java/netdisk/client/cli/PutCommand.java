package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import netdisk.client.ContentHash;
import netdisk.client.NetdiskClient;
import netdisk.client.PutResult;
import netdisk.client.RemotePath;
import netdisk.client.TransferConnection;
import netdisk.client.progress.ProgressBar;
import netdisk.client.progress.Units;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code put [-r] LOCAL [REMOTE]}: uploads a file, or with {@code -r} a directory tree. Each file is hashed (SHA-256)
 * before it is sent, so that the server can check what it receives and keep nothing that does not match, and can
 * add content it already stores without receiving it again (an instant upload, said in the summary). The server keeps
 * each file out of sight until it is complete, verified and flushed, then renames it into place, replacing a file of
 * the same name. In a tree, directories are made with {@code mkdir -p}, and symbolic links and special files are
 * skipped with a warning (a link could point anywhere, including outside the tree). An upload of a file that broke off
 * earlier goes on where the server kept it, unless {@code --no-resume} (said in the summary).
 */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Uploads LOCAL into the remote working directory, or as REMOTE.",
                "REMOTE that is an existing directory (or ends in /) receives LOCAL under its own name."})
final class PutCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-r", "-R", "--recursive"}, description = "Upload a directory with everything in it.")
    boolean recursive;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar, no summary.")
    boolean quiet;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "" + DEFAULT_PARALLEL,
            description = "With -r: files sent at once, each on a transfer connection of its own; small files go"
                    + " pipelined in batches (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Go on from where an earlier upload of the same file to the same place broke off, if the "
                    + "server kept it (default: on; --no-resume sends everything again).")
    boolean resume;

    @Parameters(index = "0", paramLabel = "LOCAL", description = "The file (or, with -r, directory) to upload.")
    String local;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REMOTE", description = "Remote path or directory.")
    String target;

    /** Transfer connections for put -r: enough to keep a link and the server's workers busy. */
    static final int DEFAULT_PARALLEL = 4;
    static final int MAX_PARALLEL = 64;

    /** From this size on, hashing takes long enough (tens of ms and up) to deserve a bar of its own. */
    private static final long HASHING_SHOWN_FROM = 64L << 20;

    private final Remote remote;
    private long files;
    private long bytes;
    private long instant;
    private long resumed;
    /** Where the last resumed upload went on from: the summary of a single file says it. */
    private long resumedFrom;

    PutCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        files = 0;
        bytes = 0;
        instant = 0;
        resumed = 0;
        resumedFrom = 0;
        Path source = remote.local(local);
        if (!Files.exists(source)) {
            throw new LocalFileException("no such file: " + source);
        }
        if (source.getFileName() == null) {
            throw new LocalFileException("cannot upload " + source + " itself: upload what is in it");
        }
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--parallel must be 1 to " + MAX_PARALLEL + ", got " + parallel);
        }
        String destination = destination(source.getFileName().toString());
        if (Files.isDirectory(source)) {
            if (!recursive) {
                throw new LocalFileException(source + " is a directory: use put -r");
            }
            uploadTree(source, destination);
            summary(source, destination, files + (files == 1 ? " file, " : " files, ") + Units.bytes(bytes)
                    + (instant > 0 ? ", " + instant + " instant" : "")
                    + (resumed > 0 ? ", " + resumed + " resumed" : ""));
        } else {
            upload(source, destination);
            summary(source, destination, Units.bytes(bytes) + (instant > 0 ? ", instant" : "")
                    + (resumed > 0 ? ", resumed from " + Units.bytes(resumedFrom) : ""));
        }
        return ExitCodes.OK;
    }

    /** Where LOCAL named {@code name} goes: the working directory, REMOTE's directory, or REMOTE itself. */
    private String destination(String name) throws IOException {
        if (target == null) {
            return RemotePath.child(remote.workingDirectory(), name);
        }
        String resolved = remote.resolve(target);
        if (target.endsWith("/") || RemoteKinds.isDirectory(remote.client(), resolved)) {
            return RemotePath.child(resolved, name);
        }
        return resolved;
    }

    /**
     * Makes the tree's directories (in walk order, so parents first; pipelined) on the session, then sends its files over
     * {@code --parallel} transfer connections ({@link TreeUpload}) under one progress bar.
     */
    private void uploadTree(Path source, String destination) throws Exception {
        var walker = new Uploader(source, destination);
        Files.walkFileTree(source, walker);
        remote.client().mkdirs(walker.directories);
        long total = walker.jobs.stream().mapToLong(TreeUpload.Job::size).sum();
        try (var progress = new CombinedProgress("put", walker.jobs.size(), total, ProgressBar.styleFor(quiet),
                spec.commandLine().getErr())) {
            TreeUpload.Result result = new TreeUpload(remote, parallel, resume, progress).run(walker.jobs);
            progress.finish();
            files = result.files();
            bytes = result.bytes();
            instant = result.instant();
            resumed = result.resumed();
        }
    }

    private void upload(Path file, String destination) throws IOException {
        FileChannel channel = open(file);
        try (channel; var progress = new ProgressListener("put", quiet, spec.commandLine().getErr())) {
            long size = channel.size();
            PutResult stored = size >= NetdiskClient.STREAMED_FROM ? stream(channel, size, destination, progress)
                    : null;
            if (stored == null) {
                String sha256 = hash(file, channel, size);
                TransferConnection connection = remote.openTransfer();
                try {
                    stored = connection.client().putFile(channel, size, sha256, destination, resume, progress);
                } finally {
                    remote.closed(connection);
                }
            }
            progress.finish();
            files++;
            bytes += size;
            if (stored.instant()) {
                instant++;
            }
            if (stored.resumed()) {
                resumed++;
                resumedFrom = stored.resumedFrom();
            }
        }
    }

    /**
     * A streamed upload, hashed while it is sent ({@link netdisk.client.NetdiskClient#putStream}); null when the server
     * wants the SHA-256 first (content of this size may be stored already, so the upload may be instant) or is older.
     */
    private PutResult stream(FileChannel channel, long size, String destination, ProgressListener progress)
            throws IOException {
        TransferConnection connection = remote.openTransfer();
        try {
            return connection.client().putStream(channel, size, destination, resume, progress).orElse(null);
        } finally {
            remote.closed(connection);
        }
    }

    /**
     * The file's SHA-256, before anything is sent; the connection is asked for only afterwards, so that one the
     * server closed as idle during a long hash is replaced. Big files show a bar while they are hashed, which the
     * transfer's bar then replaces; Ctrl-C in the shell stops the hashing too.
     */
    private String hash(Path file, FileChannel channel, long size) throws IOException {
        if (size < HASHING_SHOWN_FROM) {
            return ContentHash.of(channel, size, hashed -> remote.checkCancelled());
        }
        try (var bar = ProgressBar.create("hash " + file.getFileName(), size, 0, ProgressBar.styleFor(quiet),
                spec.commandLine().getErr())) {
            String sha256 = ContentHash.of(channel, size, hashed -> {
                remote.checkCancelled();
                bar.advance(hashed);
            });
            bar.clear();
            return sha256;
        }
    }

    private void summary(Path source, String destination, String what) {
        if (!quiet) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("put: %s -> %s (%s)%n", source, destination, what);
            out.flush();
        }
    }

    private void warn(String message) {
        spec.commandLine().getErr().println("netdisk: put: " + message);
        spec.commandLine().getErr().flush();
    }

    private static FileChannel open(Path file) throws LocalFileException {
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

    /** Walks the local tree (links not followed): makes its directories remotely, and lists its files to send. */
    private final class Uploader extends SimpleFileVisitor<Path> {
        private final Path root;
        private final String remoteRoot;
        final List<TreeUpload.Job> jobs = new ArrayList<>();
        /** The remote directories to make, parents first; made together once the walk is over. */
        final List<String> directories = new ArrayList<>();

        Uploader(Path root, String remoteRoot) {
            this.root = root;
            this.remoteRoot = remoteRoot;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
            directories.add(remoteFor(directory));
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            if (attributes.isSymbolicLink()) {
                warn("skipping symbolic link " + file);
            } else if (!attributes.isRegularFile()) {
                warn("skipping " + file + ": not a regular file");
            } else {
                jobs.add(new TreeUpload.Job(file, remoteFor(file), attributes.size()));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            throw new LocalFileException("cannot read " + file + ": " + e.getMessage(), e);
        }

        private String remoteFor(Path path) throws IOException {
            String result = remoteRoot;
            for (Path name : root.relativize(path)) {
                if (!name.toString().isEmpty()) {
                    result = RemotePath.child(result, name.toString());
                }
            }
            return result;
        }
    }
}
