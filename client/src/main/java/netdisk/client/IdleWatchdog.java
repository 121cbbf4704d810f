package netdisk.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection on which nothing has moved for too long while the client waits on it, so that a hung or
 * vanished server ends in a clear error instead of a client blocked for ever. Blocking socket reads have no timeout
 * of their own; this checks once a second on a virtual thread.
 */
final class IdleWatchdog implements AutoCloseable {

    private final long timeoutNanos;
    private final Runnable onTimeout;
    private final Thread thread;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean waiting;
    private volatile boolean fired;
    private volatile boolean closed;

    IdleWatchdog(Duration timeout, Runnable onTimeout) {
        this.timeoutNanos = timeout.toNanos();
        this.onTimeout = onTimeout;
        this.thread = Thread.ofVirtual().name("netdisk-watchdog").start(this::watch);
    }

    /** From now on, silence counts. */
    void waiting() {
        lastActivity = System.nanoTime();
        waiting = true;
    }

    /** Something moved. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** Silence no longer counts (the client is not waiting on the server). */
    void idle() {
        waiting = false;
    }

    boolean fired() {
        return fired;
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1));
            } catch (InterruptedException e) {
                return;
            }
            if (waiting && !closed && System.nanoTime() - lastActivity > timeoutNanos) {
                fired = true;
                onTimeout.run();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
