package netdisk.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import netdisk.server.pool.WorkerClassArchive;

/**
 * The {@code java} command lines of the JVMs the tests start: servers (whose workers inherit the class path) and
 * clients. Each kind starts from a class archive of its own, as the server's workers do ({@link WorkerClassArchive}),
 * made once per test run by {@link #prepare()}: some 80 servers, 150 workers and 80 commands start in a run, and the
 * integration tests took a third less time so (882 to 567 s, {@code docs/benchmarks.md}).
 */
final class TestJvm {

    /** Shared by every test of the run, and by the servers they start ({@code --class-cache}). */
    static final Path CLASS_CACHE = Path.of("target", "class-cache").toAbsolutePath();

    /** A kind of JVM: its main class and its JVM options. */
    enum Kind {
        /** As {@code bin/netdisk-server} starts it, plus C1 alone: a test's server lives for seconds. */
        SERVER("netdisk.server.cli.ServerMain", List.of("--enable-native-access=ALL-UNNAMED", "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
        /** As {@code bin/netdisk} starts it where libcrypto is installed. */
        CLIENT("netdisk.client.cli.ClientMain", List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));

        final String mainClass;
        final List<String> options;

        Kind(String mainClass, List<String> options) {
            this.mainClass = mainClass;
            this.options = options;
        }
    }

    private static final String QUIET = WorkerClassArchive.QUIET;
    /** Each kind's command up to its main class, and its archive: computed once (the key stats every jar). */
    private static final Map<Kind, List<String>> BASES = new EnumMap<>(Kind.class);
    private static final Map<Kind, Path> ARCHIVES = new EnumMap<>(Kind.class);
    private static boolean prepared;

    static {
        for (Kind kind : Kind.values()) {
            List<String> base = base(kind);
            BASES.put(kind, List.copyOf(base));
            ARCHIVES.put(kind, archive(base));
        }
    }

    private TestJvm() {
    }

    /**
     * {@code java OPTIONS -cp JARS MAIN ARGS} for {@code kind}, from its archive when there is one. The class path is
     * this JVM's without directories (the tests' own classes): the JDK archives classes from jars only.
     */
    static List<String> command(Kind kind, List<String> args) {
        List<String> command = new ArrayList<>(BASES.get(kind));
        Path archive = ARCHIVES.get(kind);
        if (Files.isRegularFile(archive)) {
            command.addAll(1, List.of(QUIET, "-XX:SharedArchiveFile=" + archive));
        }
        command.addAll(args);
        return command;
    }

    private static List<String> base(Kind kind) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(kind.options);
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Files.isDirectory(Path.of(entry))).collect(Collectors.joining(File.pathSeparator)));
        command.add(kind.mainClass);
        return command;
    }

    private static Path archive(List<String> command) {
        String name = command.getLast().substring(command.getLast().lastIndexOf('.') + 1);
        return CLASS_CACHE.resolve(name + "-" + WorkerClassArchive.key(command) + ".jsa");
    }

    /**
     * Makes the archives that are missing, once per test JVM: a server with one worker, stopped gracefully after a
     * client logged in, uploaded and downloaded (the worker's archive is the server's own doing). A failure here only
     * costs speed: it is reported and the tests go on without archives.
     */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        try {
            train();
        } catch (Exception | AssertionError e) {
            System.out.println("class archives for the tests' JVMs not made, the tests go on without: " + e);
        }
    }

    private static void train() throws Exception {
        Path data = Files.createTempDirectory("netdisk-train");
        Path local = Files.createTempDirectory("netdisk-train-local");
        try {
            train(data, local);
        } finally {
            deleteTree(data);
            deleteTree(local);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void train(Path data, Path local) throws Exception {
        TestUsers.add(data, "trainer");
        Files.write(local.resolve("a.bin"), new byte[100_000]);
        Recording server = new Recording(Kind.SERVER);
        Recording client = new Recording(Kind.CLIENT);
        try (var running = ServerProcess.launchCommand(data, server.command(List.of("serve", "--host", "127.0.0.1",
                "--port", "0", "--data", data.toString(), "--workers", "1", "--class-cache",
                CLASS_CACHE.toString())))) {
            String port = Integer.toString(running.port());
            Map<String, String> environment = Map.of("NETDISK_PASSWORD", TestUsers.PASSWORD, "XDG_CONFIG_HOME",
                    local.resolve("config").toString());
            succeeds(Cli.exec(command(Kind.CLIENT, List.of("--port", port, "--user", "trainer", "login")),
                    environment));
            client.keepIf(succeeds(Cli.exec(client.command(List.of("--port", port, "put",
                    local.resolve("a.bin").toString(), "/a.bin")), environment)));
            succeeds(Cli.exec(command(Kind.CLIENT, List.of("--port", port, "get", "/a.bin",
                    local.resolve("b.bin").toString())), environment));
            running.signal("TERM");
            server.keepIf(running.awaitExit(Duration.ofSeconds(60)));
        }
    }

    private static int succeeds(Cli.Result result) {
        if (result.exitCode() != 0) {
            throw new AssertionError("exit code " + result.exitCode() + ": " + result.output());
        }
        return 0;
    }

    /** One JVM that writes its kind's archive as it exits, under a name of its own until it exited cleanly. */
    private static final class Recording {

        private final Kind kind;
        private final Path archive;
        private final Path recorded;
        private final boolean needed;

        Recording(Kind kind) {
            this.kind = kind;
            this.archive = ARCHIVES.get(kind);
            this.recorded = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid()
                    + ".part");
            this.needed = !Files.isRegularFile(archive);
        }

        List<String> command(List<String> args) throws IOException {
            if (!needed) {
                return TestJvm.command(kind, args);
            }
            Files.createDirectories(archive.getParent());
            List<String> command = new ArrayList<>(BASES.get(kind));
            command.addAll(1, List.of(QUIET, "-XX:ArchiveClassesAtExit=" + recorded));
            command.addAll(args);
            return command;
        }

        void keepIf(int exitCode) throws IOException {
            if (needed && exitCode == 0 && Files.isRegularFile(recorded)) {
                Files.move(recorded, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(recorded);
        }
    }
}
