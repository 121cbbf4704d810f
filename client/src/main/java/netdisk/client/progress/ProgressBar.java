package netdisk.client.progress;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The progress of one transfer on stderr: bytes done / total, percent, rate, ETA.
 *
 * <ul>
 *   <li>{@link Style#TERMINAL}: one line redrawn in place ({@code \r}) at most every 200 ms.</li>
 *   <li>{@link Style#LINES}: a plain line every 5 s (for logs and pipes), and the final one.</li>
 *   <li>{@link Style#QUIET}: nothing.</li>
 * </ul>
 * The transfer loop calls {@link #advance(long)} after each chunk; rendering is rate-limited there, so the cost per
 * call is a clock read. A resumed transfer starts from its offset ({@link #create}'s {@code done}), and the rate counts
 * only the bytes moved by this run.
 */
public final class ProgressBar implements AutoCloseable {

    /** How a bar shows itself. */
    public enum Style { TERMINAL, LINES, QUIET }

    private static final long TERMINAL_PERIOD = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long LINES_PERIOD = TimeUnit.SECONDS.toNanos(5);
    private static final int BAR_WIDTH = 24;

    private String label;
    private final long total;
    private final long startDone;
    private final Style style;
    private final PrintWriter out;
    private final LongSupplier clock;
    private final long startNanos;
    private long done;
    private long lastRender;
    private int lastWidth;
    private boolean finished;

    private ProgressBar(String label, long total, long done, Style style, PrintWriter out, LongSupplier clock) {
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.startDone = done;
        this.done = done;
        this.style = Objects.requireNonNull(style, "style");
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startNanos = clock.getAsLong();
        this.lastRender = startNanos;
    }

    /** A bar for {@code total} bytes of which {@code done} are already there (0 unless resuming). */
    public static ProgressBar create(String label, long total, long done, Style style, PrintWriter out) {
        return create(label, total, done, style, out, System::nanoTime);
    }

    static ProgressBar create(String label, long total, long done, Style style, PrintWriter out, LongSupplier clock) {
        var bar = new ProgressBar(label, total, done, style, out, clock);
        if (style == Style.TERMINAL) {
            bar.render(bar.startNanos);
        }
        return bar;
    }

    /** Terminal when stderr is one (and {@code quiet} is not asked for), plain lines otherwise. */
    public static Style styleFor(boolean quiet) {
        if (quiet) {
            return Style.QUIET;
        }
        return stderrIsTerminal() ? Style.TERMINAL : Style.LINES;
    }

    /**
     * Whether fd 2 is a terminal. The JDK only tells about stdin and stdout together ({@code Console.isTerminal}),
     * and the bar goes to stderr, which may be a terminal while stdout is a pipe ({@code get f - | sha256sum}) or
     * the other way round. On Linux, {@code /proc/self/fd/2} names the device.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            var console = System.console();
            return console != null && console.isTerminal();
        }
    }

    /** Counts {@code bytes} more as done, and redraws if it is time to. */
    public void advance(long bytes) {
        done += bytes;
        if (style == Style.QUIET) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastRender >= (style == Style.TERMINAL ? TERMINAL_PERIOD : LINES_PERIOD)) {
            render(now);
        }
    }

    /** Shows {@code newLabel} from the next redraw on (a count of files done, say). */
    public void relabel(String newLabel) {
        label = Objects.requireNonNull(newLabel, "newLabel");
    }

    public long done() {
        return done;
    }

    /** The final line: total size, time, average rate. Call once the transfer completed. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (style == Style.QUIET) {
            return;
        }
        long now = clock.getAsLong();
        long elapsed = Math.max(1, now - startNanos);
        String line = String.format(Locale.ROOT, "%s  100%%  %s in %s  (%s/s)", label, Units.bytes(done),
                Units.duration(TimeUnit.NANOSECONDS.toSeconds(elapsed)),
                Units.bytes(rate(done - startDone, elapsed)));
        print(line, true);
    }

    /**
     * Takes the bar away instead of finishing it: a phase that is over and that the next bar replaces (hashing
     * before an upload). A terminal line is blanked; plain lines already written stay.
     */
    public void clear() {
        if (!finished && style == Style.TERMINAL && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
        }
        finished = true;
    }

    /** Leaves the line as it is (a failed transfer): the terminal gets its newline back. */
    @Override
    public void close() {
        if (!finished && style == Style.TERMINAL && lastWidth > 0) {
            out.println();
            out.flush();
        }
        finished = true;
    }

    private void render(long now) {
        lastRender = now;
        long elapsed = Math.max(1, now - startNanos);
        long moved = done - startDone;
        long rate = rate(moved, elapsed);
        long left = total - done;
        long eta = rate > 0 && moved > 0 ? left / rate : -1;
        double percent = total > 0 ? 100.0 * done / total : 100.0;
        String line;
        if (style == Style.TERMINAL) {
            int filled = (int) Math.min(BAR_WIDTH, Math.round(percent / 100 * BAR_WIDTH));
            String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled == BAR_WIDTH ? "=" : ">") : "")
                    + " ".repeat(BAR_WIDTH - filled);
            line = String.format(Locale.ROOT, "%s %5.1f%% [%s] %s / %s  %s/s  ETA %s", label, percent, bar,
                    Units.bytes(done), Units.bytes(total), Units.bytes(rate), Units.duration(eta));
        } else {
            line = String.format(Locale.ROOT, "%s  %.1f%%  %s / %s  %s/s  ETA %s", label, percent, Units.bytes(done),
                    Units.bytes(total), Units.bytes(rate), Units.duration(eta));
        }
        print(line, style == Style.LINES);
    }

    private void print(String line, boolean newline) {
        if (style == Style.TERMINAL) {
            String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
            out.print("\r" + padded);
            lastWidth = line.length();
            if (newline) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static long rate(long bytes, long nanos) {
        return (long) (bytes / (nanos / 1e9));
    }
}
