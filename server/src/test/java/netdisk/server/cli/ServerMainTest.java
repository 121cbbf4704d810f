package netdisk.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

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
                "--workers", "--mode", "--drain-timeout", "HOST PORT WORKERS", "netdisk-server status");
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
}
