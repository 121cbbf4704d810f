package netdisk.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import netdisk.server.worker.WorkerMain;
import netdisk.server.worker.WorkerSettings;

/**
 * The command that starts a worker process: this JVM's own {@code java}, the worker JVM options, the flags every
 * netdisk JVM needs, this JVM's class path, {@link WorkerMain}, the worker number and its settings.
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

    /** Everything but the worker number (which goes between the main class and the settings). */
    static List<String> prefix(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
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

    static List<String> suffix(WorkerSettings settings) {
        return settings.toArguments();
    }
}
