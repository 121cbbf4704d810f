package netdisk.client.cli;

import java.io.IOException;

/**
 * Asks the person at the terminal: the one-shot commands through {@link java.io.Console}, the shell through its
 * line reader (so that a prompt does not fight the shell's own terminal handling).
 */
interface Prompter {

    /** Whether there is a person to ask at all (a terminal); when not, nothing is ever asked. */
    boolean interactive();

    /** Reads a line shown as typed. */
    String readLine(String prompt) throws IOException;

    /** Reads a secret without echoing it. */
    char[] readPassword(String prompt) throws IOException;
}
