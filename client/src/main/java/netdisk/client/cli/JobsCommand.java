package netdisk.client.cli;

import java.util.concurrent.Callable;

import netdisk.client.progress.Units;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jobs}: the shell's background transfers ({@code put ... &}, {@code get ... &}) and how far they are. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"Lists the background transfers: a command ending in & (put or get) runs in the background.",
                "Ctrl-C never stops them; kill N does."})
final class JobsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Remote remote;

    JobsCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        for (BackgroundJobs.Job job : remote.jobs().running()) {
            String progress = job.err.last();
            out.printf("[%d] running %s  %s%s%n", job.number, Units.duration(job.age().toSeconds()), job.command,
                    progress.isEmpty() ? "" : "\n    " + progress);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code kill N}: stops background job N. */
    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Stops background job N (see jobs).")
    static final class Kill implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "N", description = "The job's number.")
        int number;

        private final Remote remote;

        Kill(Remote remote) {
            this.remote = remote;
        }

        @Override
        public Integer call() {
            if (!remote.jobs().kill(number)) {
                spec.commandLine().getErr().println("netdisk: kill: no job " + number + " is running");
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        }
    }
}
