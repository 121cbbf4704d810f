package netdisk.client.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code logout}: revokes the token on the server and deletes the saved login. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Logs out: the server revokes the token, and the saved login is deleted.")
final class LogoutCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Remote remote;

    LogoutCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        boolean was = remote.logout();
        spec.commandLine().getOut().println(was ? "logged out of " + remote.server()
                : "not logged in at " + remote.server());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
