package netdisk.server.worker;

/** What a worker needs of each connection it serves: a netdisk {@link Session}, or a {@link SeedSession}. */
interface ServedConnection extends Runnable {

    long connectionId();

    /** How logs name it: {@code conn#17 127.0.0.1:50312}. */
    String name();

    int requests();

    long ageMillis();

    /** Ends after the work in progress; at once if there is none. */
    void drain();

    /** Cuts the connection now. */
    void abort(String reason);

    /**
     * Ends the connection if, at {@code nowNanos}, it has not said Hello in time or has waited between requests for
     * longer than the idle timeout. Called by the worker's timer every {@value Worker#TIMEOUT_SWEEP_MILLIS} ms.
     */
    void enforceTimeouts(long nowNanos);
}
