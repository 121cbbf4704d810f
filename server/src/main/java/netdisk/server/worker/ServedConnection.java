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

    /** Ends the connection if it has not said Hello in time (at {@code nowNanos}). */
    void expireHandshake(long nowNanos);
}
