package netdisk.client.cli;

import java.io.Console;
import java.io.IOException;

/** Asks on the JVM's console, when standard input and output are a terminal; a script is never asked. */
final class ConsolePrompter implements Prompter {

    @Override
    public boolean interactive() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public String readLine(String prompt) throws IOException {
        String line = console().readLine("%s", prompt);
        if (line == null) {
            throw new NotLoggedInException("no answer (end of input)");
        }
        return line;
    }

    @Override
    public char[] readPassword(String prompt) throws IOException {
        char[] password = console().readPassword("%s", prompt);
        if (password == null) {
            throw new NotLoggedInException("no password given (end of input)");
        }
        return password;
    }

    private Console console() throws NotLoggedInException {
        if (!interactive()) {
            throw new NotLoggedInException("no terminal to ask on");
        }
        return System.console();
    }
}
