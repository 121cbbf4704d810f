package netdisk.server.pool;

/** What the master hears from one worker, on that worker's event thread. */
public interface WorkerEvents {

    /** The worker started and takes connections. */
    void ready(long pid);

    /** A session the worker was serving ended; its slot is free again. */
    void sessionEnded(long connectionId);

    /** The worker answered a heartbeat. */
    void alive(long sequence);
}
