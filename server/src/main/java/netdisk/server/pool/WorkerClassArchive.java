package netdisk.server.pool;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data archive for worker JVMs (the JDK's dynamic CDS archive), so that a worker starts with its classes
 * already parsed and verified: ready in 1.1 s instead of 1.7 s, and a server of two workers listening after 2.7 s
 * instead of 3.3 s, on 4.6 s of CPU instead of 5.8 s ({@code bench/start.sh}, {@code docs/benchmarks.md}). That is
 * every start, and every worker the master replaces.
 *
 * <p>While there is no archive, one worker at a time records one: {@code -XX:ArchiveClassesAtExit} makes its JVM
 * write the classes it loaded when it exits, under a name of its own. Only a worker that exits with code 0 (a graceful
 * stop) has its file renamed into place, so no worker ever maps a half-written archive, and servers sharing the
 * directory never write the same file. Workers started after that get {@code -XX:SharedArchiveFile}.
 *
 * <p>The archive's name carries a hash of what makes it valid: the JVM, the worker's JVM options (system properties
 * aside) and each class path entry's name, size and modification time. A new build or JDK gets an archive of its
 * own; the JVM checks again itself, and runs without an archive that does not fit.
 *
 * <p>A damaged archive is another matter: a JVM maps it unchecked, and one with a changed header byte kills every
 * worker as it starts. So before any worker gets an archive, a JVM started as workers are, with {@code -Xshare:on}
 * and {@code -XX:+VerifySharedSpaces} (the checksum of every part of it), runs {@code -version} on it: 0.1 s, once per
 * archive and server, started as soon as the server starts. An archive it refuses is deleted, and the next worker
 * records a new one.
 */
public final class WorkerClassArchive {

    private static final Logger log = LoggerFactory.getLogger(WorkerClassArchive.class);

    /** Options with which the operator chose class sharing or an AOT cache for workers: then we add nothing. */
    private static final List<String> OPERATOR_CHOICES = List.of("-Xshare", "-XX:SharedArchiveFile",
            "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:AOTCache", "-XX:AOTMode",
            "-XX:AOTConfiguration", "-XX:AOTCacheOutput");

    /**
     * Messages tagged {@code cds} alone off: with every start the JVM reports, at error level, that the JDK's own
     * archive was made without our {@code --enable-native-access} and {@code --add-opens} (harmless: it only gives up
     * an optimisation of the module graph), and a recording JVM warns of each class it cannot archive (JFR events,
     * proxies). Both would land in the server's log. "Unable to use shared archive" ({@code cds+dynamic}) stays.
     */
    public static final String QUIET = "-Xlog:cds=off";

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final String PREFIX = "worker-";
    private static final String SUFFIX = ".jsa";
    /** How many archives a directory keeps: this one and the most recent others. */
    static final int KEPT = 3;

    /** How long the check of an archive may take before the archive counts as unusable. */
    static final long CHECK_TIMEOUT_SECONDS = 60;

    private final Path archive;
    private final Check check;
    private final AtomicBoolean recording = new AtomicBoolean();
    /** The check of the archive file as it was when checked; null before the first. */
    private Checked checked; // guarded by this

    private WorkerClassArchive(Path archive, Check check) {
        this.archive = archive;
        this.check = check;
        if (Files.isRegularFile(archive)) {
            checkedNow(); // under way while the server opens its database
        }
    }

    /** Finds out whether workers can map an archive: completes with what is wrong with it, empty if nothing. */
    @FunctionalInterface
    interface Check {
        CompletableFuture<Optional<String>> start(Path archive);
    }

    /** One file's check: the file is known by its inode, size and modification time. */
    private record Checked(Object fileKey, long size, long modified, CompletableFuture<Optional<String>> problem) {
    }

    /** What one worker gets: JVM options, and what to do with its exit code once it has exited. */
    public record Use(List<String> jvmOptions, IntConsumer exited) {

        static final Use NONE = new Use(List.of(), code -> {
        });

        public Use {
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    /**
     * The archive in {@code directory} for workers started with {@code command} (java, JVM options, {@code -cp}, the
     * class path, then the main class); empty when the command's options already choose class sharing or an AOT
     * cache.
     */
    public static Optional<WorkerClassArchive> in(Path directory, List<String> command) {
        return in(directory, command, jvmCheck(command));
    }

    static Optional<WorkerClassArchive> in(Path directory, List<String> command, Check check) {
        if (command.stream().anyMatch(o -> OPERATOR_CHOICES.stream().anyMatch(o::startsWith))) {
            return Optional.empty();
        }
        return Optional.of(new WorkerClassArchive(directory.resolve(PREFIX + key(command) + SUFFIX), check));
    }

    /**
     * The check of an archive for workers started with {@code command}: its java, with the archive, {@code -Xshare:on}
     * (a JVM that cannot map it stops), {@code -XX:+VerifySharedSpaces} and the workers' options and class path, runs
     * {@code -version}. A crash leaves no report file or core dump behind.
     */
    static Check jvmCheck(List<String> command) {
        return archive -> {
            List<String> probe = new ArrayList<>();
            probe.add(command.getFirst());
            probe.addAll(List.of("-Xshare:on", "-XX:+VerifySharedSpaces", "-XX:+SuppressFatalErrorMessage",
                    "-XX:-CreateCoredumpOnCrash", QUIET, "-XX:SharedArchiveFile=" + archive));
            probe.addAll(command.subList(1, command.size() - 1)); // all but the main class
            probe.add("-version");
            Process process;
            try {
                process = new ProcessBuilder(probe).redirectErrorStream(true).start();
                process.getOutputStream().close();
            } catch (IOException e) {
                return CompletableFuture.completedFuture(Optional.of("cannot start " + probe.getFirst() + ": "
                        + e.getMessage()));
            }
            CompletableFuture<String> lastLine = new CompletableFuture<>();
            Thread.ofVirtual().name("class-archive-check").start(() -> lastLine.complete(lastLine(process)));
            return process.onExit().orTimeout(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((exited, failure) -> {
                if (failure != null) {
                    process.destroyForcibly();
                    return Optional.of("no answer from java -version within " + CHECK_TIMEOUT_SECONDS + " s");
                }
                if (exited.exitValue() == 0) {
                    return Optional.empty();
                }
                String said = lastLine.join();
                return Optional.of("java -version with it exited with code " + exited.exitValue()
                        + (said.isEmpty() ? "" : ": " + said));
            });
        };
    }

    /** The last line the process printed that is not blank. */
    private static String lastLine(Process process) {
        String last = "";
        try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    last = line.strip();
                }
            }
        } catch (IOException e) {
            return last.isEmpty() ? e.toString() : last;
        }
        return last;
    }

    Path archive() {
        return archive;
    }

    /**
     * A hash of what an archive made by one JVM with {@code command} depends on: the JVM, every option but system
     * properties (the carrier count changes with the number of workers, not what a worker loads) and each class path
     * entry with its size and modification time.
     */
    public static String key(List<String> command) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder text = new StringBuilder(System.getProperty("java.vm.version")).append('\n');
        for (int i = 0; i < command.size(); i++) {
            String argument = command.get(i);
            if (argument.startsWith("-D")) {
                continue;
            }
            text.append(argument).append('\n');
            if ((argument.equals("-cp") || argument.equals("-classpath")) && i + 1 < command.size()) {
                for (String entry : command.get(i + 1).split(File.pathSeparator)) {
                    text.append(describe(Path.of(entry))).append('\n');
                }
            }
        }
        byte[] hash = digest.digest(text.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 8);
    }

    private static String describe(Path entry) {
        try {
            return entry + " " + Files.size(entry) + " " + Files.getLastModifiedTime(entry).toMillis();
        } catch (IOException e) {
            return entry + " missing";
        }
    }

    /**
     * The options for the next worker: the archive if there is one; otherwise, unless another worker is already at
     * it, a recording; otherwise nothing.
     */
    public Use next() {
        if (Files.isRegularFile(archive)) {
            if (usable()) {
                return new Use(List.of(QUIET, "-XX:SharedArchiveFile=" + archive), code -> {
                });
            }
            if (Files.exists(archive)) {
                return Use.NONE; // unusable and still there: not deleted
            }
        }
        if (!recording.compareAndSet(false, true)) {
            return Use.NONE;
        }
        try {
            Files.createDirectories(archive.getParent(), PRIVATE); // what workers load: the server's user alone writes
        } catch (IOException e) {
            log.warn("no class archive for workers: cannot create its directory: {}", e.getMessage());
            return Use.NONE; // recording stays set: no point in trying again with every worker
        }
        Path recorded = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".part");
        log.info("no class archive for workers yet: the worker starting now records {} as it stops", archive);
        return new Use(List.of(QUIET, "-XX:ArchiveClassesAtExit=" + recorded), code -> finish(recorded, code));
    }

    /** Whether the archive, as it is now, passed its check; if it failed, it is deleted. */
    private synchronized boolean usable() {
        Optional<Checked> now = checkedNow();
        if (now.isEmpty()) {
            return false; // gone since the caller saw it
        }
        Optional<String> problem;
        try {
            problem = now.get().problem().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            problem = Optional.of(e.getCause().toString());
        }
        if (problem.isEmpty()) {
            return true;
        }
        try {
            Files.deleteIfExists(archive);
            log.warn("class archive {} is unusable ({}): deleted; the next worker records a new one", archive,
                    problem.get());
        } catch (IOException e) {
            log.warn("class archive {} is unusable ({}) and cannot be deleted ({}): workers start without it",
                    archive, problem.get(), e.getMessage());
        }
        return false;
    }

    /**
     * The check of the archive file as it is now: the one under way or done if it is the same file, else a new one;
     * empty if there is no archive.
     */
    private synchronized Optional<Checked> checkedNow() {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(archive, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (checked == null || !Objects.equals(checked.fileKey(), now.fileKey()) || checked.size() != now.size()
                || checked.modified() != now.lastModifiedTime().toMillis()) {
            checked = new Checked(now.fileKey(), now.size(), now.lastModifiedTime().toMillis(), check.start(archive));
        }
        return Optional.of(checked);
    }

    private void finish(Path recorded, int exitCode) {
        try {
            if (exitCode == 0 && Files.isRegularFile(recorded) && Files.size(recorded) > 0) {
                Files.move(recorded, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                log.info("class archive for workers made: {} ({} KiB); workers start from it from now on", archive,
                        Files.size(archive) >> 10);
                removeOthers();
            } else {
                if (exitCode == 0) {
                    log.warn("a worker stopped cleanly but left no class archive in {} (-Xlog:cds in "
                            + "--worker-jvm-options shows why)", archive.getParent());
                } else if (exitCode > 0 && exitCode < 128) { // not killed by a signal: the JVM failed, e.g. disk full
                    log.warn("the worker recording the class archive exited with code {}: nothing kept in {} (the "
                            + "JVM's message above says why)", exitCode, archive.getParent());
                }
                Files.deleteIfExists(recorded);
            }
        } catch (IOException e) {
            log.warn("class archive {} not kept: {}", recorded, e.getMessage());
            try {
                Files.deleteIfExists(recorded);
            } catch (IOException ignored) {
                // nothing more to do: a later recording gets a name of its own
            }
        } finally {
            recording.set(false);
        }
    }

    /**
     * Keeps the {@value #KEPT} newest archives (builds and JDKs come and go; a directory shared by servers of two
     * builds keeps both) and drops recordings older than a day (their JVM was killed while it wrote them).
     */
    private void removeOthers() throws IOException {
        long dayAgo = System.currentTimeMillis() - 86_400_000L;
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(archive.getParent(), PREFIX + "*")) {
            for (Path file : files) {
                if (file.getFileName().toString().endsWith(SUFFIX)) {
                    archives.add(file);
                } else if (Files.getLastModifiedTime(file).toMillis() < dayAgo) {
                    Files.deleteIfExists(file);
                }
            }
        }
        archives.remove(archive);
        archives.sort(Comparator.comparing(WorkerClassArchive::modified).reversed());
        for (Path old : archives.subList(Math.min(archives.size(), KEPT - 1), archives.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0; // gone already
        }
    }
}
