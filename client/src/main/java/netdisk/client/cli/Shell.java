package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import netdisk.client.InvalidRemotePathException;
import netdisk.client.LocalTargetException;
import netdisk.client.ServerRefusedException;
import netdisk.client.session.SessionStore;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import picocli.CommandLine;

/**
 * {@code netdisk} with no command: a prompt {@code user@host:/dir> } that runs the same commands as the one-shot
 * client, on one connection, with line editing, history ({@code $XDG_STATE_HOME/netdisk/history}) and Tab
 * completion of commands and of remote and local paths.
 *
 * <p>Ctrl-C at the prompt clears the line (JLine reports it as {@link UserInterruptException}). While a command runs
 * the terminal is in its normal mode, so Ctrl-C is a SIGINT, which the handler installed here turns into
 * {@link Remote#cancel}: the transfer stops, "cancelled" is printed, and the next command reconnects with the token.
 * Ctrl-D (end of input), {@code exit} and {@code quit} leave.
 *
 * <p>{@code put ... &} and {@code get ... &} run in the background ({@link BackgroundJobs}) on transfer connections of
 * their own: the shell keeps serving commands meanwhile, {@code jobs} tells how they are doing, and a line above the
 * prompt tells when each ends.
 */
final class Shell {

    private final Remote remote;
    private final Terminal terminal;
    private final LineReader reader;
    private final CommandLine commands;
    private final PrintWriter err;
    private boolean warnedAboutJobs;

    private Shell(Remote remote, Terminal terminal, Path history) {
        this.remote = remote;
        this.terminal = terminal;
        this.err = new PrintWriter(System.err, true, System.err.charset());
        this.commands = Commands.shell(remote, terminal.writer(), err)
                .setExecutionExceptionHandler(this::failed)
                .setParameterExceptionHandler(this::misused);
        var parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(true);
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("netdisk")
                .parser(parser)
                .completer(new ShellCompleter(commands.getCommandSpec(), ShellCompleter.remoteSource(remote),
                        ShellCompleter.localSource(remote)))
                .variable(LineReader.HISTORY_FILE, history)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .option(LineReader.Option.AUTO_REMOVE_SLASH, false)
                .build();
        remote.usePrompter(new ReaderPrompter(LineReaderBuilder.builder().terminal(terminal).build()));
    }

    /** Runs the shell until exit; returns the exit code (that of a failed first login, else 0). */
    static int run(Remote remote, Map<String, String> environment) throws IOException {
        Path history = SessionStore.xdgDirectory(environment, "XDG_STATE_HOME", ".local/state")
                .resolve("netdisk").resolve("history");
        Files.createDirectories(history.getParent(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return new Shell(remote, terminal, history).loop();
        }
    }

    private int loop() {
        try {
            remote.client(); // log in first, so that a password is asked before the prompt shows the user
        } catch (IOException e) {
            err.println("netdisk: " + ExitCodes.message(e));
            return ExitCodes.of(e);
        }
        terminal.handle(Terminal.Signal.INT, signal -> remote.cancel());
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt());
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                if (stayForJobs()) {
                    continue;
                }
                return ExitCodes.OK;
            }
            List<String> words = reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toList();
            if (words.isEmpty()) {
                continue;
            }
            if (words.getLast().equals("&")) {
                background(words.subList(0, words.size() - 1));
                continue;
            }
            remote.resetCancel();
            commands.execute(words.toArray(String[]::new));
            CommandLine.ParseResult parsed = commands.getParseResult();
            if (parsed != null && parsed.subcommand() != null
                    && parsed.subcommand().commandSpec().userObject() instanceof ExitCommand) {
                if (!stayForJobs()) {
                    return ExitCodes.OK;
                }
            } else {
                warnedAboutJobs = false;
            }
        }
    }

    /**
     * Starts {@code words} (a {@code put} or {@code get}) as a background job: on a command line of its own, quiet
     * toward the terminal (its progress is for {@code jobs}), told above the prompt when it ends.
     */
    private void background(List<String> words) {
        if (words.isEmpty() || !BackgroundJobs.ALLOWED.contains(words.getFirst())) {
            err.println("netdisk: only " + String.join(" and ", BackgroundJobs.ALLOWED)
                    + " run in the background (COMMAND ... &)");
            return;
        }
        int number = remote.jobs().start(words.toArray(String[]::new),
                job -> Commands.shell(remote, job.out.printer(), job.err.printer()),
                reader::printAbove);
        terminal.writer().println("[" + number + "] " + String.join(" ", words));
        terminal.writer().flush();
    }

    /**
     * Leaving stops the background jobs: the first time, say so and stay; leaving again right after means it.
     *
     * @return whether to stay
     */
    private boolean stayForJobs() {
        int running = remote.jobs().running().size();
        if (running == 0 || warnedAboutJobs) {
            return false;
        }
        warnedAboutJobs = true;
        err.println("netdisk: " + running + (running == 1 ? " background job is" : " background jobs are")
                + " running (jobs); leave again to stop " + (running == 1 ? "it" : "them"));
        return true;
    }

    private String prompt() {
        String user;
        String directory;
        try {
            user = remote.user().orElse("?");
            directory = remote.workingDirectory();
        } catch (IOException e) {
            user = "?";
            directory = "?";
        }
        return user + "@" + remote.server().replaceFirst(":\\d+$", "") + ":" + directory + "> ";
    }

    /**
     * A command failed: say what failed, as the one-shot client would, or "cancelled" after Ctrl-C. A connection
     * that may be broken is dropped, so the next command starts on a fresh one.
     */
    private int failed(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        if (remote.cancelled()) {
            err.println(e instanceof CancelledException ? e.getMessage() : "cancelled");
            remote.dropConnection();
            return ExitCodes.FAILURE;
        }
        err.println("netdisk: " + ExitCodes.message(e));
        if (!(e instanceof ServerRefusedException || e instanceof LocalFileException
                || e instanceof LocalTargetException || e instanceof InvalidRemotePathException
                || e instanceof NotLoggedInException)) {
            remote.dropConnection();
        }
        return ExitCodes.of(e);
    }

    /** A command typed wrong: the reason, and where help is, but not the whole usage text. */
    private int misused(CommandLine.ParameterException e, String[] args) {
        String name = e.getCommandLine().getCommandName();
        boolean unknownCommand = name.isEmpty() && e instanceof CommandLine.UnmatchedArgumentException;
        err.println("netdisk: " + (unknownCommand ? "unknown command: " + args[0] : e.getMessage()));
        err.println(name.isEmpty() ? "type help for the commands" : "type help " + name + " for its usage");
        return 2;
    }
}
