package netdisk.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import netdisk.server.worker.WorkerMain;
import netdisk.server.worker.WorkerSettings;

/**
 * The command that starts a worker process: this JVM's own {@code java}, the worker JVM options, its share of carrier
 * threads, the flags every netdisk JVM needs, this JVM's class path, {@link WorkerMain}, the worker number and its
 * settings.
 */
final class WorkerCommandLine {

    /** FFM downcalls, and the {@code sun.nio.ch} constructor that turns a passed fd into a SocketChannel. */
    static final List<String> REQUIRED_JVM_FLAGS =
            List.of("--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    /** System properties a worker inherits from the master, so that both log alike. */
    private static final List<String> INHERITED_PROPERTIES =
            List.of("logback.configurationFile", "netdisk.log.level", "netdisk.home");

    private WorkerCommandLine() {
    }

    /** The system property that sets how many carrier threads run a JVM's virtual threads. */
    static final String CARRIERS_PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    /**
     * Everything but the worker number (which goes between the main class and the settings), for a pool of
     * {@code workers}.
     */
    static List<String> prefix(List<String> jvmOptions, int workers) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        carriers(jvmOptions, workers, Runtime.getRuntime().availableProcessors()).ifPresent(command::add);
        command.addAll(REQUIRED_JVM_FLAGS);
        for (String key : INHERITED_PROPERTIES) {
            String value = System.getProperty(key);
            if (value != null) {
                command.add("-D" + key + "=" + value);
            }
        }
        command.add("-Dnetdisk.role=worker");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WorkerMain.class.getName());
        return command;
    }

    /**
     * The option that gives each of {@code workers} workers its share of the machine's {@code cores} as carrier
     * threads, at least one (rounded up): the pool as a whole runs about one carrier per core. Empty when the
     * operator's {@code jvmOptions} set it already.
     *
     * <p>Why not the JVM's default, a carrier per core in every worker: with two workers on two cores, four carriers
     * took turns on two cores. One carrier per worker measured +31 % downloads per second in sessions (14.9 to 10.7 µs
     * of server CPU each) and 15 % less server CPU per new connection ({@code docs/benchmarks.md}). It became
     * possible once nothing a session does holds its carrier for long ({@link OffCarrier}): before, every SQLite
     * commit of one session stalled all the others of its worker.
     */
    static Optional<String> carriers(List<String> jvmOptions, int workers, int cores) {
        String option = "-D" + CARRIERS_PROPERTY + "=";
        if (jvmOptions.stream().anyMatch(o -> o.startsWith(option))) {
            return Optional.empty();
        }
        int sharing = Math.max(1, workers);
        return Optional.of(option + Math.max(1, (cores + sharing - 1) / sharing));
    }

    static List<String> suffix(WorkerSettings settings) {
        return settings.toArguments();
    }
}
