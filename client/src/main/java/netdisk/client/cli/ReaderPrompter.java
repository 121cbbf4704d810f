package netdisk.client.cli;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;

/**
 * Asks through a JLine reader of its own, so that the shell's terminal stays in one hand, and so that what is typed
 * here (a password above all) never reaches the shell's history.
 */
final class ReaderPrompter implements Prompter {

    /** JLine's mask for "echo nothing at all". */
    private static final char NO_ECHO = 0;

    private final LineReader reader;

    ReaderPrompter(LineReader reader) {
        this.reader = reader;
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public String readLine(String prompt) throws CancelledException, NotLoggedInException {
        return read(prompt, null);
    }

    @Override
    public char[] readPassword(String prompt) throws CancelledException, NotLoggedInException {
        return read(prompt, NO_ECHO).toCharArray();
    }

    private String read(String prompt, Character mask) throws CancelledException, NotLoggedInException {
        try {
            return reader.readLine(prompt, mask);
        } catch (UserInterruptException e) {
            throw new CancelledException();
        } catch (EndOfFileException e) {
            throw new NotLoggedInException("no answer (end of input)");
        }
    }
}
