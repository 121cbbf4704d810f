package netdisk.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for tests that stands still until told to move (or told to move at every reading), so that no assertion
 * depends on real time passing.
 */
public final class MutableClock extends Clock {

    private volatile Instant now;
    private volatile Duration step = Duration.ZERO;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** From now on, every reading is {@code step} later than the one before, as in a change that reads it often. */
    public void advanceOnEveryReading(Duration step) {
        this.step = step;
    }

    @Override
    public synchronized Instant instant() {
        now = now.plus(step);
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
