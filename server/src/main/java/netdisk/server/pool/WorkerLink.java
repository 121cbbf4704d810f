package netdisk.server.pool;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The master's side of one started worker, process or thread: hand it connections, tell it to stop, hear its events,
 * learn when it is gone. Both modes run the same master code against this interface; only the hand-off differs.
 */
public interface WorkerLink {

    /** The worker's pid: its own process in process mode, the server's in thread mode. */
    long pid();

    /**
     * Gives {@code connection} to the worker. On success the worker owns it and the master's copy is closed. On
     * failure (the worker is gone) the connection is untouched and still the caller's, to give to another worker.
     */
    void handOff(Connection connection) throws IOException;

    /** Asks the worker whether it is alive; it answers through {@link WorkerEvents#alive}. */
    void heartbeat(long sequence);

    /** Asks the worker to stop after draining its sessions for at most {@code drain}. */
    void stop(Duration drain);

    /** Ends the worker at once, as a crash would: its sessions are cut. */
    void kill();

    /**
     * Delivers the worker's events to {@code events} until the worker is gone, then returns. Called once, on a thread
     * of the master's own.
     */
    void deliverEvents(WorkerEvents events);

    /** Completes when the worker has exited (process reaped, or thread finished), with a short description. */
    CompletableFuture<String> exited();
}
