package netdisk.client.progress;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {

    private final AtomicLong clock = new AtomicLong();
    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text);

    /** What a terminal shows last: the text after the last carriage return. */
    private String lastLine() {
        String all = text.toString();
        return all.substring(all.lastIndexOf('\r') + 1);
    }

    private void tick(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aTerminalBarIsRedrawnInPlaceWithPercentRateAndEta() {
        long mib = 1024 * 1024;
        var bar = ProgressBar.create("get big.iso", 100 * mib, 0, ProgressBar.Style.TERMINAL, out, clock::get);
        tick(1000);
        bar.advance(25 * mib);
        assertThat(lastLine()).isEqualTo("get big.iso  25.0% [=====>                  ] 25.0 MiB / 100 MiB  "
                + "25.0 MiB/s  ETA 0:03");
        tick(100);
        bar.advance(mib); // within 200 ms of the last redraw: not drawn
        assertThat(text.toString()).doesNotContain("26.0 MiB");
        tick(3000);
        bar.advance(74 * mib);
        bar.finish();
        assertThat(text.toString()).endsWith(System.lineSeparator());
        assertThat(text.toString().strip()).as("one line, redrawn").doesNotContain("\n");
        assertThat(lastLine().strip()).isEqualTo("get big.iso  100%  100 MiB in 0:04  (24.4 MiB/s)");
    }

    @Test
    void plainLinesComeEveryFiveSecondsForPipesAndLogs() {
        var bar = ProgressBar.create("put x", 1000, 0, ProgressBar.Style.LINES, out, clock::get);
        tick(1000);
        bar.advance(100);
        assertThat(text.toString()).isEmpty();
        tick(4000);
        bar.advance(100);
        assertThat(text.toString()).isEqualTo("put x  20.0%  200 B / 1000 B  40 B/s  ETA 0:20" + System.lineSeparator());
        assertThat(text.toString()).doesNotContain("\r");
    }

    @Test
    void aResumedTransferCountsItsRateFromWhatThisRunMoved() {
        var bar = ProgressBar.create("get f", 1000, 600, ProgressBar.Style.LINES, out, clock::get);
        tick(5000);
        bar.advance(100);
        assertThat(text.toString()).startsWith("get f  70.0%  700 B / 1000 B  20 B/s  ETA 0:15");
    }

    @Test
    void quietPrintsNothingAndAFailedTerminalBarGivesTheLineBack() {
        var quiet = ProgressBar.create("q", 10, 0, ProgressBar.Style.QUIET, out, clock::get);
        tick(10_000);
        quiet.advance(10);
        quiet.finish();
        assertThat(text.toString()).isEmpty();

        var failed = ProgressBar.create("f", 10, 0, ProgressBar.Style.TERMINAL, out, clock::get);
        failed.close();
        assertThat(text.toString()).endsWith(System.lineSeparator());
    }

    @Test
    void aClearedTerminalBarLeavesABlankLineForTheNextOneAndNoNewline() {
        var hashing = ProgressBar.create("hash big.iso", 100, 0, ProgressBar.Style.TERMINAL, out, clock::get);
        tick(1000);
        hashing.advance(50);
        int width = lastLine().length();
        hashing.clear();
        hashing.close();
        assertThat(text.toString()).doesNotContain(System.lineSeparator());
        assertThat(text.toString()).endsWith("\r" + " ".repeat(width) + "\r");
    }

    @Test
    void unitsReadLikeLsDashH() {
        assertThat(Units.bytes(0)).isEqualTo("0 B");
        assertThat(Units.bytes(1023)).isEqualTo("1023 B");
        assertThat(Units.bytes(1024)).isEqualTo("1.00 KiB");
        assertThat(Units.bytes(5L << 30)).isEqualTo("5.00 GiB");
        assertThat(Units.bytes(Long.MAX_VALUE)).isEqualTo("8.00 EiB");
        assertThat(Units.duration(-1)).isEqualTo("--:--");
        assertThat(Units.duration(3729)).isEqualTo("1:02:09");
    }
}
