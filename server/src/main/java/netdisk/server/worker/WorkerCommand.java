package netdisk.server.worker;

import java.time.Duration;
import java.util.Objects;

import netdisk.server.pool.Connection;

/** What a worker is told by its master, whatever the mode. */
public sealed interface WorkerCommand {

    /** Serve this connection; the worker owns it now. */
    record Serve(Connection connection) implements WorkerCommand {
        public Serve {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** Stop: let sessions finish what they are doing for at most {@code timeout}, then exit. */
    record Drain(Duration timeout) implements WorkerCommand {
        public Drain {
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /** The master asks whether this worker is alive: answer at once. */
    record Heartbeat(long sequence) implements WorkerCommand {
    }

    /** The master is gone (or killed this worker): cut every session and exit now. */
    record Detach(String reason) implements WorkerCommand {
    }
}
