package netdisk.server.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

import netdisk.server.linux.NioBridge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A worker JVM and the master's end of its control socketpair. */
final class ProcessWorkerLink implements WorkerLink {

    private static final Logger log = LoggerFactory.getLogger(ProcessWorkerLink.class);

    private final Process process;
    private final ControlSocket control;
    private final CompletableFuture<String> exited;

    /** Where this worker writes HotSpot's report if it dies of a fatal error (a file older than its start: not its). */
    record CrashReport(Path file, Instant workerStarted) {

        /** The report, if this worker wrote one. */
        Optional<Path> written() {
            try {
                return Files.getLastModifiedTime(file).toInstant().isBefore(workerStarted.minusSeconds(1))
                        ? Optional.empty()
                        : Optional.of(file);
            } catch (IOException e) {
                return Optional.empty(); // none (or unreadable: nothing to point at)
            }
        }
    }

    /** {@code onExit} gets the exit code before {@link #exited()} completes. */
    ProcessWorkerLink(Process process, ControlSocket control, IntConsumer onExit, Optional<CrashReport> crashReport) {
        this.process = process;
        this.control = control;
        this.exited = process.onExit().thenApply(p -> {
            onExit.accept(p.exitValue());
            return describeExit(p.exitValue(), crashReport.flatMap(CrashReport::written));
        });
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void handOff(Connection connection) throws IOException {
        var message = new ControlMessage.HandOff(connection.id(), connection.family(), connection.remote());
        control.send(message, NioBridge.fdOf(connection.channel()));
        // The worker has its own descriptor now. Ours must go, or the client never sees a FIN when the worker closes.
        connection.channel().close();
    }

    @Override
    public void heartbeat(long sequence) {
        try {
            control.send(new ControlMessage.Heartbeat(sequence), -1);
        } catch (IOException e) {
            log.debug("heartbeat not delivered to pid {}: {}", process.pid(), e.getMessage());
        }
    }

    @Override
    public void stop(Duration drain) {
        try {
            control.send(new ControlMessage.Stop(drain.toMillis()), -1);
        } catch (IOException e) {
            log.debug("stop not delivered to pid {}: {}", process.pid(), e.getMessage());
        }
    }

    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void deliverEvents(WorkerEvents events) {
        try {
            ControlMessage received;
            while ((received = control.receivePlain()) != null) {
                switch (received) {
                    case ControlMessage.Ready r -> events.ready(r.pid());
                    case ControlMessage.SessionEnded e -> events.sessionEnded(e.connectionId());
                    case ControlMessage.HeartbeatReply r -> events.alive(r.sequence());
                    case ControlMessage other -> throw new IOException("unexpected from a worker: " + other);
                }
            }
        } catch (IOException e) {
            log.warn("control link to worker pid {} broke: {}", process.pid(), e.getMessage());
            process.destroyForcibly();
        } finally {
            control.close();
        }
    }

    @Override
    public CompletableFuture<String> exited() {
        return exited;
    }

    static String describeExit(int code, Optional<Path> crashReport) {
        String how = code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
        return crashReport.map(file -> how + ", crash report " + file).orElse(how);
    }
}
