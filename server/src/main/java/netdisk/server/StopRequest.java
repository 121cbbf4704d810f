package netdisk.server;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * "Please stop", from a signal handler, the control socket or a test, to the thread that owns the server. Safe from any
 * thread, including the JVM's signal-dispatch thread, which must not do the stopping itself (it is a daemon thread:
 * the JVM could exit under it).
 */
public final class StopRequest {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicReference<String> reason = new AtomicReference<>();

    /** Asks for a stop; the first reason given is the one kept. */
    public void request(String why) {
        reason.compareAndSet(null, why);
        requested.countDown();
    }

    /** Blocks until a stop was requested. */
    public void await() throws InterruptedException {
        requested.await();
    }

    public Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }
}
