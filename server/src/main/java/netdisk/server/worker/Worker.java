package netdisk.server.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import netdisk.server.pool.Connection;
import netdisk.server.pool.ControlMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of the pool: takes connections from its master and serves each as a {@link Session} on its own virtual
 * thread, so that one worker serves many clients at once. The same code runs in a worker process and in a worker
 * thread; only the {@link MasterLink} differs.
 *
 * <p>Lifecycle: {@link #run()} reports {@code READY}, then serves until the master says {@code STOP} (sessions
 * between requests are closed with a "shutting down" notice, a request in progress is finished, and whatever is still
 * running when the drain timeout expires is cut) or until the master is gone (everything is cut at once).
 */
public final class Worker {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);
    /**
     * How often sessions are checked against the handshake, idle and stall timeouts. One sweep for all sessions,
     * rather than a timer per connection: scheduling a timer wakes the timer thread, and on the way to the first
     * answer that wake-up costs more than the check. The sweep never writes to a client (see {@link Session}).
     */
    static final long TIMEOUT_SWEEP_MILLIS = 250;
    /**
     * How long the end of a session may wait to be reported to the master together with the ends that follow it:
     * the master's count of this worker's sessions lags by that much at most. With a new connection per download,
     * a message per end cost ~9 % of the server's CPU per connection (the worker's {@code sendmsg}, the master's
     * wake-up and {@code recvmsg}: docs/benchmarks.md).
     */
    static final long END_REPORT_DELAY_MICROS = 1_000;

    private final WorkerIdentity identity;
    private final WorkerSettings settings;
    private final MasterLink master;
    private final Map<Long, ServedConnection> sessions = new ConcurrentHashMap<>();
    /** What sessions serve with: the disk, accounts, audit; null in serve-file mode, which needs none of it. */
    private final Services services;
    private final ScheduledExecutorService timers;
    /** Ends not reported to the master yet; a report is scheduled whenever this is not empty. */
    private final List<ControlMessage> endsToReport = new ArrayList<>(); // guarded by itself

    /**
     * @throws IOException if the data directory's storage cannot be opened
     */
    public Worker(WorkerIdentity identity, WorkerSettings settings, MasterLink master) throws IOException {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.master = Objects.requireNonNull(master, "master");
        this.services = settings.serveFile().isPresent() ? null : Services.open(settings, identity);
        this.timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("worker-" + identity.number() + "-timers").factory());
    }

    public WorkerIdentity identity() {
        return identity;
    }

    /** Serves until stopped or detached; returns how it ended, for the log. */
    public String run() throws IOException {
        master.send(new ControlMessage.Ready(identity.pid()));
        timers.scheduleWithFixedDelay(this::enforceTimeouts, TIMEOUT_SWEEP_MILLIS, TIMEOUT_SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
        try {
            while (true) {
                switch (master.next()) {
                    case WorkerCommand.Serve serve -> start(serve.connection());
                    case WorkerCommand.Heartbeat heartbeat ->
                            master.send(new ControlMessage.HeartbeatReply(heartbeat.sequence()));
                    case WorkerCommand.Drain drain -> {
                        return drain(drain.timeout());
                    }
                    case WorkerCommand.Detach detach -> {
                        abortAll(detach.reason());
                        return detach.reason();
                    }
                }
            }
        } finally {
            timers.shutdownNow();
            if (services != null) {
                services.close();
            }
        }
    }

    /** Cuts every session now, as if the worker had crashed; used when the master is gone. */
    public void abortAll(String reason) {
        List<ServedConnection> cut = List.copyOf(sessions.values());
        if (!cut.isEmpty()) {
            log.warn("{} cutting {} session(s): {}", identity, cut.size(), reason);
        }
        cut.forEach(s -> s.abort(reason));
        awaitNoSessions(System.nanoTime() + ABORT_GRACE.toNanos());
    }

    private void start(Connection connection) {
        ServedConnection session;
        if (settings.serveFile().isPresent()) {
            session = new SeedSession(connection, settings.serveFile().get(), settings.stallTimeout(), this::ended);
        } else {
            var netdiskSession = new Session(connection, identity, settings, services, this::welcomed, this::ended);
            netdiskSession.greetIfReady();
            session = netdiskSession;
        }
        sessions.put(connection.id(), session);
        Thread.ofVirtual().name("conn#" + connection.id()).start(session);
    }

    /**
     * After the Welcome went out, so that it is not on the way to the client's first answer. DEBUG: the master's
     * hand-off line and the session-end line already tell an operator where each connection went and how it ended.
     */
    private void welcomed(Session session, String software) {
        log.debug("{} {} session started: {} ({} active)", identity, session.name(), software, sessions.size());
    }

    private void ended(ServedConnection session, String outcome) {
        sessions.remove(session.connectionId());
        log.info("{} {} session ended: {}, {} request(s) in {} ms ({} active)", identity, session.name(), outcome,
                session.requests(), session.ageMillis(), sessions.size());
        reportEnd(session.connectionId());
        synchronized (sessions) {
            sessions.notifyAll();
        }
    }

    /** Has the master told of the end of {@code connectionId}, with the others that end in the next moment. */
    private void reportEnd(long connectionId) {
        synchronized (endsToReport) {
            endsToReport.add(new ControlMessage.SessionEnded(connectionId));
            if (endsToReport.size() > 1) {
                return; // a report is on its way
            }
        }
        try {
            timers.schedule(this::sendEnds, END_REPORT_DELAY_MICROS, TimeUnit.MICROSECONDS);
        } catch (RejectedExecutionException e) {
            sendEnds(); // the worker is stopping: no timers any more
        }
    }

    private void sendEnds() {
        List<ControlMessage> ends;
        synchronized (endsToReport) {
            ends = List.copyOf(endsToReport);
            endsToReport.clear();
        }
        if (ends.isEmpty()) {
            return;
        }
        try {
            master.sendAll(ends);
        } catch (IOException e) {
            log.debug("{} master not told of the end of {} session(s): {}", identity, ends.size(), e.getMessage());
        }
    }

    private void enforceTimeouts() {
        long now = System.nanoTime();
        for (ServedConnection session : sessions.values()) {
            session.enforceTimeouts(now);
        }
    }

    private String drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int active = sessions.size();
        log.info("{} stopping: draining {} session(s), at most {} ms", identity, active, timeout.toMillis());
        sessions.values().forEach(ServedConnection::drain);
        if (!awaitNoSessions(deadline)) {
            abortAll("drain timeout of " + timeout.toMillis() + " ms expired");
        }
        return "stopped after draining " + active + " session(s)";
    }

    private boolean awaitNoSessions(long deadlineNanos) {
        synchronized (sessions) {
            while (!sessions.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sessions, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return sessions.isEmpty();
                }
            }
            return true;
        }
    }
}
