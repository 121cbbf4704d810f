package netdisk.client.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import netdisk.client.progress.Units;
import netdisk.protocol.UsageReply;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code df}: the user's usage against the quota, and the space left on the server. */
@Command(name = "df", mixinStandardHelpOptions = true,
        description = "Shows the space used, the quota, and the space free on the server.")
final class DfCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Remote remote;

    DfCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        UsageReply usage = remote.client().usage();
        PrintWriter out = spec.commandLine().getOut();
        out.println(lines(usage));
        out.flush();
        return ExitCodes.OK;
    }

    static String lines(UsageReply usage) {
        String used = "used:   " + Units.bytes(usage.used()) + " in " + usage.files()
                + (usage.files() == 1 ? " file" : " files");
        String quota;
        if (usage.hasQuota()) {
            double percent = usage.quota() == 0 ? 100 : 100.0 * usage.used() / usage.quota();
            quota = String.format(Locale.ROOT, "quota:  %s (%.1f%% used, %s left)", Units.bytes(usage.quota()),
                    percent, Units.bytes(Math.max(0, usage.quota() - usage.used())));
        } else {
            quota = "quota:  no quota";
        }
        return used + System.lineSeparator() + quota + System.lineSeparator() + "free on server: "
                + Units.bytes(usage.serverFree());
    }
}
