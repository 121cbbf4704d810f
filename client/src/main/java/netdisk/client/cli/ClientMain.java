package netdisk.client.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import netdisk.client.session.SessionStore;
import netdisk.protocol.NetdiskVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code netdisk [--host H] [--port P] [--user U] [COMMAND ...]}: the command-line client; with no command, the
 * interactive shell.
 */
@Command(name = "netdisk", mixinStandardHelpOptions = true, versionProvider = ClientMain.Version.class,
        description = {"The netdisk client. With no command, an interactive shell.",
                "The password comes from --password-file, else " + Remote.PASSWORD_VARIABLE
                        + ", else it is asked; a login is remembered per server until logout."},
        footer = {"", "Exit codes: " + ExitCodes.SUMMARY, "", "Every command and file: docs/client.md"})
public final class ClientMain implements Callable<Integer>, Remote.Options {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ServerOptions server;

    @Option(names = "--user", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Log in as NAME (default: the user of the saved login).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Read the password from the first line of FILE.")
    Path passwordFile;

    private final Map<String, String> environment;
    private Remote remote;

    private ClientMain(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        var out = new PrintWriter(System.out, true, System.out.charset());
        var err = new PrintWriter(System.err, true, System.err.charset());
        System.exit(run(System.getenv(), new ConsolePrompter(), out, err, args));
    }

    /** Runs one command line as the {@code netdisk} program would, and returns its exit code. */
    static int run(Map<String, String> environment, Prompter prompter, PrintWriter out, PrintWriter err,
            String... args) {
        var main = new ClientMain(environment);
        try (var remote = new Remote(main, environment, SessionStore.inConfigHome(environment), prompter,
                System::currentTimeMillis)) {
            main.remote = remote;
            return Commands.oneShot(main, remote, out, err).execute(args);
        }
    }

    /** No command: the interactive shell. */
    @Override
    public Integer call() throws Exception {
        return Shell.run(remote, environment);
    }

    @Override
    public String host() {
        return server.host;
    }

    @Override
    public int port() {
        return server.port;
    }

    @Override
    public Duration timeout() {
        return server.timeout();
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public Path passwordFile() {
        return passwordFile;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netdisk " + NetdiskVersion.VALUE};
        }
    }
}
