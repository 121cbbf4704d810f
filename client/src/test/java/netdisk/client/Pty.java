package netdisk.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A program under a pseudo-terminal, driven like a person at a keyboard: util-linux {@code script} gives it a real
 * tty (so JLine runs in raw mode, Tab completes and Ctrl-C is a signal from the line discipline), keystrokes go in
 * through {@code script}'s standard input, and everything the program draws is collected and read back without its
 * escape sequences.
 */
public final class Pty implements AutoCloseable {

    private static final Pattern ESCAPES = Pattern.compile(
            "\u001B\\[[0-9;?<=>]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)|\u001B[()][0-9A-Za-z]|\u001B[=>78]");

    /** Ctrl-C: the terminal's interrupt character. */
    public static final String CTRL_C = "\u0003";

    /** Ctrl-D: end of input at the start of a line. */
    public static final String CTRL_D = "\u0004";

    public static final String TAB = "\t";

    private final Process process;
    private final OutputStream keys;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private Pty(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        Thread.ofPlatform().daemon().name("pty-reader").start(this::pump);
    }

    /**
     * Starts {@code command} on a terminal of 120 x 40 with {@code TERM=xterm-256color}, in {@code directory},
     * with {@code environment} added to this JVM's.
     */
    public static Pty start(List<String> command, Map<String, String> environment, Path directory)
            throws IOException {
        List<String> quoted = new ArrayList<>();
        for (String word : command) {
            quoted.add("'" + word.replace("'", "'\\''") + "'");
        }
        String inner = "stty cols 120 rows 40 && exec " + String.join(" ", quoted);
        var builder = new ProcessBuilder("script", "-qfec", inner, "/dev/null")
                .directory(directory.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("TERM", "xterm-256color");
        return new Pty(builder.start());
    }

    private void pump() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (screen) {
                    screen.write(buffer, 0, n);
                    screen.notifyAll();
                }
            }
        } catch (IOException e) {
            // the program ended
        }
        synchronized (screen) {
            screen.notifyAll();
        }
    }

    /** Types {@code text} (a string of keys, control characters included). */
    public void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Everything drawn so far, escape sequences and carriage returns removed. */
    public String text() {
        String raw;
        synchronized (screen) {
            raw = screen.toString(StandardCharsets.UTF_8);
        }
        return ESCAPES.matcher(raw).replaceAll("").replace("\r", "");
    }

    /** Where the text ends now: for {@link #await(int, String, Duration)} to look only at what comes after. */
    public int mark() {
        return text().length();
    }

    /** Waits until what was drawn after {@code mark} contains {@code expected}. */
    public void await(int mark, String expected, Duration timeout) throws InterruptedException {
        awaitInOrder(mark, timeout, expected);
    }

    /**
     * Waits until what was drawn after {@code mark} contains each of {@code expected}, one after the other: for a
     * prompt that must come after a command's output (JLine redraws the prompt while a line is edited, so the
     * prompt alone would also match an earlier redraw).
     */
    public void awaitInOrder(int mark, Duration timeout, String... expected) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (screen) {
            while (true) {
                String text = text();
                int at = mark;
                for (String part : expected) {
                    int found = at <= text.length() ? text.indexOf(part, at) : -1;
                    at = found < 0 ? -1 : found + part.length();
                    if (at < 0) {
                        break;
                    }
                }
                if (at >= 0) {
                    return;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the terminal did not show " + String.join(" then ", expected)
                            + " within " + timeout
                            + "; after the mark it shows:\n" + (text.length() > mark ? text.substring(mark) : "")
                            + "\n--- whole text:\n" + text);
                }
                screen.wait(Math.min(left, 100));
            }
        }
    }

    /** Waits for the program to end; returns its exit code (passed on by {@code script -e}). */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + ":\n" + text());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
