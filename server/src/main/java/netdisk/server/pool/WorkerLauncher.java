package netdisk.server.pool;

import java.io.IOException;

/** Starts worker number {@code n}: a JVM process ({@link ProcessWorkerLauncher}) or a thread. */
public interface WorkerLauncher {

    WorkerLink start(int number) throws IOException;

    /** "process" or "thread", for logs and status. */
    String mode();
}
