package netdisk.server.pool;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import netdisk.server.linux.Libc;

/**
 * Starts each worker as its own JVM whose fd 0 is one end of a fresh socketpair.
 *
 * <p>{@link ProcessBuilder} closes every descriptor above 2 in the child, so the socket cannot be inherited as fd 3.
 * Instead, under a lock, the master moves its own fd 0 aside, {@code dup2}s the worker's end onto 0, starts the child
 * with stdin inherited, and puts its fd 0 back. The master's end is close-on-exec, so no other worker inherits it,
 * and the worker sees end-of-stream on fd 0 the moment the master dies, even by {@code kill -9}.
 *
 * <p>A worker JVM that dies of a fatal error (a crash in native code, a damaged class archive, {@code kill -SEGV})
 * writes HotSpot's report to {@code worker-crash-PID.log} in the crash report directory, if there is one, rather
 * than into the master's working directory; the master's line about that worker's end names the file.
 */
public final class ProcessWorkerLauncher implements WorkerLauncher {

    private static final Object SPAWN_LOCK = new Object();
    /** A worker that does not take a hand-off within this time is hung: the send fails and the master replaces it. */
    static final long SEND_TIMEOUT_MILLIS = 2_000;
    /** A crash report's file name, as {@code -XX:ErrorFile} takes it: {@code %p} is the JVM's pid. */
    private static final String CRASH_REPORT_NAME = "worker-crash-%p.log";

    private final List<String> commandPrefix;
    private final List<String> commandSuffix;
    private final Optional<WorkerClassArchive> classArchive;
    private final Optional<Path> crashReports;

    /**
     * @param commandPrefix the java executable, JVM options, class path and main class
     * @param commandSuffix the worker's own arguments, after its number
     * @param classArchive where workers find (or record) the classes they load, if anywhere
     * @param crashReports the directory for workers' crash reports (it must exist); ignored when the JVM options in
     *     {@code commandPrefix} choose an {@code -XX:ErrorFile} themselves
     */
    public ProcessWorkerLauncher(List<String> commandPrefix, List<String> commandSuffix,
            Optional<WorkerClassArchive> classArchive, Optional<Path> crashReports) {
        this.commandPrefix = List.copyOf(Objects.requireNonNull(commandPrefix, "commandPrefix"));
        this.commandSuffix = List.copyOf(Objects.requireNonNull(commandSuffix, "commandSuffix"));
        this.classArchive = Objects.requireNonNull(classArchive, "classArchive");
        this.crashReports = commandPrefix.stream().anyMatch(option -> option.startsWith("-XX:ErrorFile="))
                ? Optional.empty()
                : Objects.requireNonNull(crashReports, "crashReports");
    }

    /** The report a worker JVM with process id {@code pid} writes if it dies of a fatal error. */
    static Path crashReport(Path directory, long pid) {
        return directory.resolve(CRASH_REPORT_NAME.replace("%p", Long.toString(pid)));
    }

    @Override
    public WorkerLink start(int number) throws IOException {
        WorkerClassArchive.Use archive = classArchive.map(WorkerClassArchive::next).orElse(WorkerClassArchive.Use.NONE);
        try {
            return start(number, archive);
        } catch (IOException | RuntimeException e) {
            archive.exited().accept(-1);
            throw e;
        }
    }

    private WorkerLink start(int number, WorkerClassArchive.Use archive) throws IOException {
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(1, archive.jvmOptions());
        // the JVM expands % sequences in the whole path: a % of the directory's own name must be doubled
        crashReports.ifPresent(dir -> command.add(1,
                "-XX:ErrorFile=" + dir.toString().replace("%", "%%") + "/" + CRASH_REPORT_NAME));
        command.add(Integer.toString(number));
        command.addAll(commandSuffix);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(Redirect.INHERIT)
                .redirectOutput(Redirect.INHERIT)
                .redirectError(Redirect.INHERIT);
        int[] pair = Libc.socketpair();
        Process process;
        Instant started = Instant.now();
        try {
            Libc.setSendTimeout(pair[0], SEND_TIMEOUT_MILLIS);
            synchronized (SPAWN_LOCK) {
                int savedStdin = Libc.dupCloseOnExec(0, 10);
                try {
                    Libc.dup2(pair[1], 0);
                    process = builder.start();
                } finally {
                    Libc.dup2(savedStdin, 0);
                    Libc.closeQuietly(savedStdin);
                }
            }
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(pair[0]);
            throw e;
        } finally {
            Libc.closeQuietly(pair[1]);
        }
        long pid = process.pid();
        return new ProcessWorkerLink(process, new ControlSocket(pair[0]), archive.exited(),
                crashReports.map(dir -> new ProcessWorkerLink.CrashReport(crashReport(dir, pid), started)));
    }

    @Override
    public String mode() {
        return "process";
    }
}
