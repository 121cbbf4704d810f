package netdisk.server.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import netdisk.server.RunDirectory;
import netdisk.server.control.ControlClient;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netdisk-server stop}: a graceful stop of the server on a data directory, waiting until it has exited. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stops the server that uses the data directory, gracefully, and waits until it exited.",
        footer = {"", "Exit codes: 0 stopped, 1 failure or still running after --wait, 3 no server running."})
final class StopCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the server to exit (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
        long pid;
        try {
            pid = new ControlClient(RunDirectory.controlSocket(data.resolve())).stop();
        } catch (ControlClient.NotRunningException e) {
            spec.commandLine().getErr().println("netdisk-server: " + e.getMessage());
            return ServerMain.NOT_RUNNING;
        }
        spec.commandLine().getOut().println("stopping netdisk-server pid " + pid + " ...");
        spec.commandLine().getOut().flush();
        Optional<ProcessHandle> server = ProcessHandle.of(pid);
        if (server.isPresent()) {
            try {
                server.get().onExit().get(waitSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                spec.commandLine().getErr().println("netdisk-server: pid " + pid + " still running after "
                        + waitSeconds + " s");
                return ServerMain.FAILED;
            }
        }
        spec.commandLine().getOut().println("stopped");
        return ServerMain.OK;
    }
}
