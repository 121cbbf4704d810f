package netdisk.server.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import netdisk.server.auth.AccountRules;

import picocli.CommandLine;

/**
 * Where a new password comes from when an operator sets one: the environment variable {@value #VARIABLE}, else
 * {@code --password-file F} (its first line), else a prompt without echo, asked twice. Giving both the variable and the
 * option is refused rather than one silently winning: a variable left over in the shell should not override the file
 * the operator just named.
 *
 * <p>The environment and the terminal are passed in, so that tests can supply them. The password is handed out as a
 * {@code char[]}, which the caller clears; buffers here are cleared too. Only the environment variable is a
 * {@code String} to begin with, because that is how the JDK gives it.
 */
final class PasswordInput {

    static final String VARIABLE = "NETDISK_PASSWORD";
    static final int MIN_LENGTH = AccountRules.MIN_PASSWORD_LENGTH;
    /** For the help of the commands that read a password. */
    static final String SOURCES = "The password comes from $" + VARIABLE + " or --password-file (not both), else a "
            + "prompt (asked twice, not shown). At least " + MIN_LENGTH + " characters.";

    /** A terminal that can read a line without echoing it. */
    @FunctionalInterface
    interface Terminal {
        /** Shows {@code prompt} and reads a line without echo; null at the end of input. */
        char[] readPassword(String prompt);
    }

    private final Function<String, String> environment;
    private final Supplier<Optional<Terminal>> terminal;

    PasswordInput(Function<String, String> environment, Supplier<Optional<Terminal>> terminal) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
    }

    /** This process's environment and, if stdin and stdout are a terminal, {@link System#console()}. */
    static PasswordInput system() {
        return new PasswordInput(System::getenv, () -> {
            Console console = System.console();
            return console == null || !console.isTerminal() ? Optional.empty()
                    : Optional.of(prompt -> console.readPassword("%s", prompt));
        });
    }

    /**
     * The new password for {@code user}, checked for length.
     *
     * @throws CommandLine.ParameterException no source, two sources, or an unacceptable password (exit code 2)
     * @throws IOException the password file cannot be read (exit code 1)
     */
    char[] read(CommandLine commandLine, Path file, String user) throws IOException {
        String variable = environment.apply(VARIABLE);
        if (variable != null && file != null) {
            throw new CommandLine.ParameterException(commandLine,
                    "give the password in " + VARIABLE + " or --password-file, not both");
        }
        char[] password;
        if (variable != null) {
            password = variable.toCharArray();
        } else if (file != null) {
            password = firstLine(commandLine, file);
        } else {
            password = prompt(commandLine, user);
        }
        Optional<String> problem = AccountRules.passwordProblem(password);
        if (problem.isPresent()) {
            Arrays.fill(password, '\0');
            throw new CommandLine.ParameterException(commandLine, problem.get());
        }
        return password;
    }

    private char[] prompt(CommandLine commandLine, String user) {
        Terminal t = terminal.get().orElseThrow(() -> new CommandLine.ParameterException(commandLine,
                "no password: set " + VARIABLE + ", give --password-file FILE, or run this on a terminal to be"
                        + " asked"));
        char[] first = t.readPassword("New password for " + user + ": ");
        char[] second = first == null ? null : t.readPassword("Again: ");
        try {
            if (first == null || second == null) {
                throw new CommandLine.ParameterException(commandLine, "no password given");
            }
            if (!Arrays.equals(first, second)) {
                throw new CommandLine.ParameterException(commandLine, "the two passwords differ");
            }
            return first.clone();
        } finally {
            clear(first);
            clear(second);
        }
    }

    /** The first line of {@code file}, without its line end ({@code \n} or {@code \r\n}). */
    private static char[] firstLine(CommandLine commandLine, Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read the password file " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException("cannot read the password file " + file + ": " + e.getMessage(), e);
        }
        CharBuffer chars = CharBuffer.allocate(bytes.length);
        try {
            var result = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes), chars, true);
            if (result.isError()) {
                result.throwException();
            }
        } catch (CharacterCodingException e) {
            throw new CommandLine.ParameterException(commandLine, "the password file " + file + " is not UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        char[] all = chars.array();
        try {
            int end = 0;
            while (end < chars.position() && all[end] != '\n') {
                end++;
            }
            if (end > 0 && all[end - 1] == '\r') {
                end--;
            }
            return Arrays.copyOf(all, end);
        } finally {
            Arrays.fill(all, '\0');
        }
    }

    private static void clear(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
