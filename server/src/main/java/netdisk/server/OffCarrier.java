package netdisk.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a call that would hold a virtual thread's carrier for long on a platform thread, while the calling virtual
 * thread parks and its carrier serves the worker's other sessions.
 *
 * <p>Why: a virtual thread cannot leave its carrier while it is inside native code. A worker's SQLite write
 * transactions (JNI) wait for the database's one write lock, up to its busy timeout, and for the commit's
 * {@code fsync}; its {@code syncfs} (an FFM downcall) waits for the disk; an Argon2id hash computes for tens of
 * milliseconds and a virtual thread is never preempted. On a carrier, each of these stalls every other session that
 * carrier runs; with one carrier per worker ({@code WorkerCommandLine}), the whole worker. The JDK's own blocking file
 * calls need none of this: they add a carrier while they block.
 *
 * <p>Short calls stay on the carrier: a hop costs two thread wake-ups, more than a SQLite read from cache takes.
 *
 * <p>A platform thread (tests, the command line, the master, and the pool's own threads, so nesting is harmless) runs
 * the call itself. The pool has at most {@value #THREADS} threads, made when needed and gone after
 * {@value #IDLE_SECONDS} s idle; calls beyond that wait in line. The caller waits for the call to finish even if it is
 * interrupted, as it would while running it itself, and then keeps its interrupt status.
 */
public final class OffCarrier {

    /** A call that returns a value or throws {@code X} (or an unchecked exception). */
    @FunctionalInterface
    public interface Call<T, X extends Exception> {
        T call() throws X;
    }

    /** A call with nothing to return. */
    @FunctionalInterface
    public interface Action<X extends Exception> {
        void run() throws X;
    }

    /**
     * More than a worker's database connections (4) plus its concurrent hashes (4), so that neither kind of call waits
     * behind the other.
     */
    static final int THREADS = 12;
    static final int IDLE_SECONDS = 30;

    private static final ThreadPoolExecutor POOL = pool();

    private OffCarrier() {
    }

    /** {@code call}'s value, computed on a platform thread; what it throws is thrown here. */
    public static <T, X extends Exception> T call(Call<T, X> call) throws X {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Handoff<T, X> handoff = new Handoff<>(call, Thread.currentThread());
        POOL.execute(handoff);
        return handoff.await();
    }

    /** {@link #call} for a call with nothing to return. */
    public static <X extends Exception> void run(Action<X> action) throws X {
        call(() -> {
            action.run();
            return null;
        });
    }

    /** The call, run on a pool thread, and its outcome, which the parked caller picks up. */
    private static final class Handoff<T, X extends Exception> implements Runnable {
        private final Call<T, X> call;
        private final Thread caller;
        private T value;
        private Throwable failure;
        private volatile boolean done; // written after value and failure, read before them

        Handoff(Call<T, X> call, Thread caller) {
            this.call = call;
            this.caller = caller;
        }

        @Override
        public void run() {
            try {
                value = call.call();
            } catch (Throwable t) {
                failure = t;
            }
            done = true;
            LockSupport.unpark(caller);
        }

        @SuppressWarnings("unchecked") // call() throws only X or unchecked exceptions
        T await() throws X {
            boolean interrupted = false;
            while (!done) {
                LockSupport.park(this);
                interrupted |= Thread.interrupted(); // an interrupt would make park return at once, again and again
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return switch (failure) {
                case null -> value;
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw (X) failure;
            };
        }
    }

    private static ThreadPoolExecutor pool() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> Thread.ofPlatform()
                        .name("off-carrier-" + count.incrementAndGet())
                        .daemon(true)
                        .unstarted(task));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
