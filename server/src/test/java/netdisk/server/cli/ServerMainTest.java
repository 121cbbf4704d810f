package netdisk.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.Optional;

import netdisk.server.ServerConfig;
import netdisk.server.WorkerMode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMainTest {

    @TempDir
    Path data;

    @Test
    void helpShowsTheDefaults() {
        var out = new StringWriter();
        var cmd = new CommandLine(new ServeCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.usage(cmd.getOut());
        assertThat(out.toString()).contains("--port", "default: 7477", "--host", "default: 127.0.0.1",
                "--workers", "--mode", "--drain-timeout", "HOST PORT WORKERS", "netdisk-server status",
                "--allow-register", "default: false", "--session-lifetime", "default: 30d", "--config");
    }

    @Test
    void statusAndStopSaySoWhenNoServerRuns() {
        assertThat(ServerMain.run("status", "--data", data.toString())).isEqualTo(ServerMain.NOT_RUNNING);
        assertThat(ServerMain.run("stop", "--data", data.toString())).isEqualTo(ServerMain.NOT_RUNNING);
    }

    @Test
    void positionalAndOptionFormsCannotBeMixed() {
        assertThat(ServerMain.run("127.0.0.1", "0", "2", "--port", "5", "--data", data.toString()))
                .isEqualTo(ServerMain.USAGE);
        assertThat(ServerMain.run("--mode", "fork", "--data", data.toString())).isEqualTo(ServerMain.USAGE);
    }

    @Test
    void withoutOptionsTheConfigIsTheServerDefaults() {
        ServerConfig defaults = ServerConfig.defaults(ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT, data);
        assertThat(config("--data", data.toString())).isEqualTo(defaults);
    }

    @Test
    void durationsTakeUnitsAndBareNumbersAreSeconds() {
        ServerConfig config = config("--queue-timeout", "90", "--drain-timeout", "2m", "--handshake-timeout",
                "1500ms", "--worker-heartbeat", "1h");
        assertThat(config.queueTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.workerHeartbeat()).isEqualTo(Duration.ofHours(1));
        assertThat(ServerMain.run("--queue-timeout", "soon", "--data", data.toString())).isEqualTo(ServerMain.USAGE);
    }

    @Test
    void registrationIsOffUnlessAskedForAndTheSessionLifetimeIsADuration() {
        assertThat(config().allowRegister()).isFalse();
        assertThat(config("--allow-register").allowRegister()).isTrue();
        assertThat(config("--allow-register=true").allowRegister()).isTrue();
        assertThat(config("--allow-register=false").allowRegister()).isFalse();
        assertThat(config("--session-lifetime", "12h").sessionLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(ServerMain.run("--session-lifetime", "10s", "--data", data.toString()))
                .as("shorter than a minute").isEqualTo(ServerMain.USAGE);
    }

    @Test
    void aConfigFileSetsOptionsByTheirNamesWithoutDashes() throws Exception {
        Path file = write("""
                # a comment
                host = ::1
                port = 7000
                workers = 3
                mode = thread
                data = %s
                sessions-per-worker = 64
                queue = 8
                queue-timeout = 45s
                drain-timeout = 2m
                handshake-timeout = 1500ms
                idle-timeout = 90s
                stall-timeout = 45s
                worker-heartbeat = 1h
                allow-register = true
                session-lifetime = 7d
                upload-expiry = 36h
                worker-jvm-options = -Xmx1g -Xss1m
                class-cache = %s
                """.formatted(data.resolve("网盘"), data.resolve("类")));

        ServerConfig config = config("--config", file.toString());

        assertThat(config).isEqualTo(new ServerConfig("::1", 7000, 3, WorkerMode.THREAD, data.resolve("网盘"), 64, 8,
                Duration.ofSeconds(45), Duration.ofMinutes(2), Duration.ofMillis(1500), Duration.ofSeconds(90),
                Duration.ofSeconds(45), Duration.ofHours(1), true,
                Duration.ofDays(7), ServerConfig.DEFAULT_TICKET_LIFETIME, Duration.ofHours(36), List.of("-Xmx1g", "-Xss1m"),
                Optional.of(data.resolve("类")), Optional.empty()));
    }

    @Test
    void optionsOnTheCommandLineOverrideTheFile() throws Exception {
        Path file = write("port = 7000\nallow-register = true\nqueue-timeout = 45s\n");

        ServerConfig config = config("--port", "7001", "--allow-register=false", "--config", file.toString());

        assertThat(config.port()).isEqualTo(7001);
        assertThat(config.allowRegister()).isFalse();
        assertThat(config.queueTimeout()).as("from the file").isEqualTo(Duration.ofSeconds(45));
        assertThat(config("--config", file.toString(), "127.0.0.1", "7002").port()).as("the tutorial's form")
                .isEqualTo(7002);
    }

    @Test
    void serveFileTakesTheSameConfigFile() throws Exception {
        Path file = write("port = 7000\nworkers = 2\n");
        Path served = Files.writeString(data.resolve("served.txt"), "x");
        var cmd = new CommandLine(new ServeFileCommand());
        cmd.parseArgs(served.toString(), "--config", file.toString());
        ServeFileCommand serveFile = cmd.getCommand();

        ServerConfig config = serveFile.options.toConfig(cmd, serveFile.positional, Optional.of(served));

        assertThat(config.port()).isEqualTo(7000);
        assertThat(config.workers()).isEqualTo(2);
    }

    @Test
    void anUnknownKeyIsAUsageErrorNamingIt() throws Exception {
        for (String key : List.of("prot", "--port", "config", "help", "netdisk-server.serve.port", "HOST")) {
            Path file = write("port = 7000\n" + key + " = 1\n");
            var err = new StringWriter();

            int exit = execute(err, "--config", file.toString(), "--data", data.toString());

            assertThat(exit).as(key).isEqualTo(ServerMain.USAGE);
            assertThat(err.toString()).as(key).contains("unknown key '" + key + "'", file.toString(),
                    "queue-timeout");
        }
    }

    @Test
    void aMissingOrUnreadableFileIsAUsageError() {
        for (Path file : List.of(data.resolve("missing.properties"), data)) {
            var err = new StringWriter();

            int exit = execute(err, "--config", file.toString(), "--data", data.toString());

            assertThat(exit).as("%s", file).isEqualTo(ServerMain.USAGE);
            assertThat(err.toString()).as("%s", file).contains("cannot read config file " + file);
        }
    }

    @Test
    void everyKeyIsDocumentedAndEveryDocumentedKeyExists() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(doc);
        while (row.find()) {
            documented.add(row.group(1));
        }
        var serve = new CommandLine(new ServeCommand()).getCommandSpec();
        var serveFile = new CommandLine(new ServeFileCommand()).getCommandSpec();

        assertThat(documented).isEqualTo(ConfigFile.keys(serve)).isEqualTo(ConfigFile.keys(serveFile));
    }

    private Path write(String properties) throws Exception {
        return Files.writeString(Files.createTempFile(data, "server", ".properties"), properties);
    }

    private static int execute(StringWriter err, String... args) {
        var cmd = new CommandLine(new ServeCommand());
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** What {@code serve ARGS} would run with, without running it. */
    private static ServerConfig config(String... args) {
        var cmd = new CommandLine(new ServeCommand());
        cmd.parseArgs(args);
        ServeCommand serve = cmd.getCommand();
        return serve.options.toConfig(cmd, serve.positional, Optional.empty());
    }
}
