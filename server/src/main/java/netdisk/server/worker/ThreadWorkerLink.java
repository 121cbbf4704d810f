package netdisk.server.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;

import netdisk.server.pool.Connection;
import netdisk.server.pool.ControlMessage;
import netdisk.server.pool.WorkerEvents;
import netdisk.server.pool.WorkerLink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both ends of the link to a worker thread, in memory: the master's commands go through one queue, the worker's
 * reports through another. A connection moves as the {@link java.nio.channels.SocketChannel} object itself.
 */
final class ThreadWorkerLink implements WorkerLink, MasterLink {

    private static final Logger log = LoggerFactory.getLogger(ThreadWorkerLink.class);
    private static final Object GONE = new Object();

    private final BlockingDeque<WorkerCommand> commands = new LinkedBlockingDeque<>();
    private final BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> exited = new CompletableFuture<>();
    private final long pid = ProcessHandle.current().pid();
    private volatile boolean gone;

    private ThreadWorkerLink() {
    }

    static ThreadWorkerLink start(int number, WorkerSettings settings) throws IOException {
        var link = new ThreadWorkerLink();
        var worker = new Worker(new WorkerIdentity(number, link.pid, false), settings, link);
        Thread.ofPlatform().name("worker-" + number).start(() -> link.runWorker(worker));
        return link;
    }

    private void runWorker(Worker worker) {
        String outcome;
        try {
            outcome = worker.run();
        } catch (IOException | RuntimeException | Error e) {
            log.error("{} failed", worker.identity(), e);
            outcome = "failed: " + e;
        }
        gone = true;
        reports.add(GONE);
        exited.complete(outcome);
    }

    // --- the master's side

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void handOff(Connection connection) throws IOException {
        if (gone) {
            throw new IOException("worker thread has exited");
        }
        commands.add(new WorkerCommand.Serve(connection));
    }

    @Override
    public void heartbeat(long sequence) {
        commands.add(new WorkerCommand.Heartbeat(sequence));
    }

    @Override
    public void stop(Duration drain) {
        commands.add(new WorkerCommand.Drain(drain));
    }

    @Override
    public void kill() {
        commands.addFirst(new WorkerCommand.Detach("killed"));
    }

    @Override
    public void deliverEvents(WorkerEvents events) {
        try {
            while (true) {
                Object report = reports.take();
                switch (report) {
                    case ControlMessage.Ready r -> events.ready(r.pid());
                    case ControlMessage.SessionEnded e -> events.sessionEnded(e.connectionId());
                    case ControlMessage.HeartbeatReply r -> events.alive(r.sequence());
                    default -> {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableFuture<String> exited() {
        return exited.copy();
    }

    // --- the worker's side

    @Override
    public WorkerCommand next() {
        try {
            return commands.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WorkerCommand.Detach("interrupted");
        }
    }

    @Override
    public void send(ControlMessage message) {
        reports.add(message);
    }
}
