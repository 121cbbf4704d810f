package netdisk.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import netdisk.server.ServerConfig;

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
                "--allow-register", "default: false", "--session-lifetime", "default: 30d");
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

    /** What {@code serve ARGS} would run with, without running it. */
    private static ServerConfig config(String... args) {
        var cmd = new CommandLine(new ServeCommand());
        cmd.parseArgs(args);
        ServeCommand serve = cmd.getCommand();
        return serve.options.toConfig(cmd, serve.positional, Optional.empty());
    }
}
