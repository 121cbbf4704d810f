package netdisk.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import netdisk.server.RunDirectory;
import netdisk.server.control.ControlClient;
import netdisk.server.master.ServerStatus;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netdisk-server status}: the live worker table of the server running on a data directory. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the live worker table of the server that uses the data directory.",
        footer = {"", "Exit codes: 0 ok, 1 failure, 3 no server running on that data directory."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--json", description = "Print the status as JSON, for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ServerStatus status;
        try {
            status = new ControlClient(RunDirectory.controlSocket(data.resolve())).status();
        } catch (ControlClient.NotRunningException e) {
            spec.commandLine().getErr().println("netdisk-server: " + e.getMessage());
            return ServerMain.NOT_RUNNING;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? StatusRendering.json(status) : StatusRendering.table(status));
        out.flush();
        return ServerMain.OK;
    }

    static String uptime(long millis) {
        Duration d = Duration.ofMillis(millis);
        return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
                : d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s"
                : d.toSeconds() + "s";
    }
}
