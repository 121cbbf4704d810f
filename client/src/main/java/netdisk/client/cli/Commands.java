package netdisk.client.cli;

import java.io.PrintWriter;
import java.util.List;

import picocli.CommandLine;

/**
 * The command set, in one place for both ways of running them: {@link #oneShot} under {@code netdisk}, and
 * {@link #shell} inside the interactive shell, which adds the local-side and exit commands.
 */
final class Commands {

    /** The commands of both the one-shot client and the shell, in the order help lists them. */
    static final List<Class<?>> COMMON = List.of(LsCommand.class, CdCommand.class, PwdCommand.class,
            MkdirCommand.class, RmCommand.class, MvCommand.class, CpCommand.class, StatCommand.class, PutCommand.class,
            GetCommand.class, DfCommand.class, LoginCommand.class, LogoutCommand.class, RegisterCommand.class,
            PingCommand.class, CommandLine.HelpCommand.class);

    /** What only the shell has: its local working directory, and leaving. */
    static final List<Class<?>> SHELL_ONLY = List.of(LcdCommand.class, LpwdCommand.class, LlsCommand.class,
            JobsCommand.class, JobsCommand.Kill.class, ExitCommand.class);

    private Commands() {
    }

    /** {@code netdisk [options] COMMAND ...}. */
    static CommandLine oneShot(ClientMain main, Remote remote, PrintWriter out, PrintWriter err) {
        var factory = new CommandFactory(remote);
        var commandLine = new CommandLine(main, factory);
        add(commandLine, factory, COMMON);
        return configure(commandLine, out, err);
    }

    /** The shell's commands: one line, one command. */
    static CommandLine shell(Remote remote, PrintWriter out, PrintWriter err) {
        var factory = new CommandFactory(remote);
        var commandLine = new CommandLine(new ShellCommands(), factory);
        add(commandLine, factory, COMMON);
        add(commandLine, factory, SHELL_ONLY);
        return configure(commandLine, out, err);
    }

    private static void add(CommandLine commandLine, CommandLine.IFactory factory, List<Class<?>> commands) {
        for (Class<?> command : commands) {
            try {
                commandLine.addSubcommand(factory.create(command));
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the command " + command.getSimpleName(), e);
            }
        }
    }

    /**
     * After the commands are added (picocli passes its parser settings down to the subcommands it has then). An
     * option's value may be a command's name: {@code --user cd} logs in the user called {@code cd}.
     */
    private static CommandLine configure(CommandLine commandLine, PrintWriter out, PrintWriter err) {
        return commandLine.setOut(out).setErr(err).setExecutionExceptionHandler(ExitCodes::handle)
                .setAllowSubcommandsAsOptionParameters(true);
    }

    /** The shell's root: no options of its own (the server was chosen when the shell started). */
    @CommandLine.Command(name = "", description = "Commands of the netdisk shell.",
            footer = {"", "Remote paths are relative to the remote working directory (cd, pwd); local ones to the "
                    + "local one (lcd, lpwd). Tab completes commands and paths; Ctrl-C cancels a transfer."})
    static final class ShellCommands {
    }
}
