package netdisk.server.worker;

import java.io.IOException;
import java.util.Objects;

import netdisk.server.pool.WorkerLauncher;
import netdisk.server.pool.WorkerLink;

/** {@code --mode thread}: each worker is a platform thread of the server's JVM, running the same {@link Worker}. */
public final class ThreadWorkerLauncher implements WorkerLauncher {

    private final WorkerSettings settings;

    public ThreadWorkerLauncher(WorkerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public WorkerLink start(int number) throws IOException {
        return ThreadWorkerLink.start(number, settings);
    }

    @Override
    public String mode() {
        return "thread";
    }
}
