package netdisk.server.master;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of the running server as {@code netdisk-server status} shows it.
 *
 * @param state {@code starting}, {@code running} or {@code stopping}
 */
public record ServerStatus(
        long pid,
        String version,
        String mode,
        String listen,
        long uptimeMillis,
        String state,
        int queued,
        int queueCapacity,
        long accepted,
        long handedOff,
        long rejectedBusy,
        List<WorkerRow> workers) {

    public ServerStatus {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(state, "state");
        workers = List.copyOf(workers);
    }

    /**
     * One line of the worker table.
     *
     * @param state {@code idle} (no session), {@code busy} (some), {@code full} (at capacity), {@code starting},
     *     {@code restarting} (died, being replaced), {@code stopping}, {@code exited}
     */
    public record WorkerRow(int number, long pid, String state, int sessions, int capacity, long handoffs,
            int restarts) {
        public WorkerRow {
            Objects.requireNonNull(state, "state");
        }
    }
}
