package netdisk.client.cli;

import java.util.concurrent.Callable;

import netdisk.protocol.LoginOk;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code register [USER]}: creates an account, when the server's operator allows self-registration. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Creates an account on the server (if it allows that) and logs in as it.")
final class RegisterCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "USER", description = "The account name wanted (default: --user; "
            + "asked if none).")
    String user;

    private final Remote remote;

    RegisterCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        LoginOk ok = remote.register(user);
        spec.commandLine().getOut().println("registered and logged in as " + ok.user() + " at " + remote.server());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
