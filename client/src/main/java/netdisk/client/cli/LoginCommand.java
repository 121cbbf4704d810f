package netdisk.client.cli;

import java.time.Instant;
import java.util.concurrent.Callable;

import netdisk.protocol.LoginOk;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code login [USER]}: logs in with the password and remembers the login, so later commands need no password. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Logs in with a password and remembers the login for this server until logout.")
final class LoginCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "USER", description = "Who to log in as (default: --user, or the "
            + "saved user; asked if none).")
    String user;

    private final Remote remote;

    LoginCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        LoginOk ok = remote.login(user);
        spec.commandLine().getOut().println("logged in as " + ok.user() + " at " + remote.server()
                + " (until " + Instant.ofEpochMilli(ok.tokenExpires()) + " unless used)");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
