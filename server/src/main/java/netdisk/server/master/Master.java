package netdisk.server.master;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import netdisk.protocol.ErrorCode;
import netdisk.server.ServerConfig;
import netdisk.protocol.NetdiskVersion;
import netdisk.server.pool.Connection;
import netdisk.server.pool.WorkerEvents;
import netdisk.server.pool.WorkerLauncher;
import netdisk.server.pool.WorkerLink;
import netdisk.server.storage.FileBlobStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master: starts the worker pool, accepts connections and hands each to a worker, supervises the workers, and
 * stops them gracefully.
 *
 * <p>One platform thread ("accept") waits on a selector (epoll) for the listening socket and accepts; every other
 * decision (which worker, queue, reject) is made under the master's lock by whichever thread learns something: the
 * accept thread, a worker's event thread, the queue timer. Invariants:
 * <ul>
 *   <li>Workers are started before the first accept, and only ever replaced, never started per connection.</li>
 *   <li>An accepted channel stays blocking and is never registered with a selector: closing such a channel closes
 *       only the master's descriptor, without the shutdown that would cut the worker's copy.</li>
 *   <li>Every accepted connection ends in exactly one of: handed to a worker (the master's copy then closed),
 *       waiting in the bounded queue, or answered with a protocol error ("server busy", "shutting down"). None is
 *       closed without an answer.</li>
 *   <li>A worker's session count is the master's own bookkeeping: +1 on hand-off, -1 when the worker reports the
 *       session's end, reset when the worker dies.</li>
 * </ul>
 */
public final class Master {

    private static final Logger log = LoggerFactory.getLogger(Master.class);
    private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long a stop waits, once every worker is reaped, for the lines that say how each one exited. */
    private static final long EXIT_LOG_WAIT_MILLIS = 1_000;
    private static final long RESPAWN_BACKOFF_MILLIS = 1_000;
    private static final int HEARTBEATS_MISSED = 3;

    private record Waiting(Connection connection, long sinceNanos) {
    }

    private final ServerConfig config;
    private final WorkerLauncher launcher;
    private final WorkerTable table;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("master-timer").factory());
    private final long startNanos = System.nanoTime();
    private ServerSocketChannel listener;
    private Selector selector;
    private ProtocolFamily family;
    private InetSocketAddress address;
    private Thread acceptThread;
    private String state = "starting";
    private volatile boolean stopping;
    private long nextConnectionId;
    private long heartbeatSequence;
    private long accepted;
    private long handedOff;
    private long rejectedBusy;

    public Master(ServerConfig config, WorkerLauncher launcher) {
        this.config = Objects.requireNonNull(config, "config");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.table = new WorkerTable(config.workers(), config.sessionsPerWorker());
    }

    /**
     * Binds the listening socket, starts every worker and waits until all are ready, then starts accepting.
     *
     * @throws IOException if the address cannot be bound or the workers do not start
     */
    public void start() throws IOException {
        InetAddress host = InetAddress.getByName(config.host());
        family = host instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        listener = ServerSocketChannel.open(family);
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(host, config.port()), 1024);
        address = (InetSocketAddress) listener.getLocalAddress();
        long t0 = System.nanoTime();
        synchronized (this) {
            for (WorkerTable.Slot slot : table.slots()) {
                spawn(slot);
            }
        }
        awaitAllReady(t0);
        listener.configureBlocking(false);
        selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
        synchronized (this) {
            state = "running";
        }
        timer.scheduleWithFixedDelay(this::expireWaiting, 250, 250, TimeUnit.MILLISECONDS);
        long heartbeat = config.workerHeartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::checkHeartbeats, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        acceptThread = Thread.ofPlatform().name("accept").start(this::acceptLoop);
        log.info("listening on {} with {} {} workers (ready in {} ms), {} sessions per worker, queue {}",
                display(address), config.workers(), launcher.mode(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                config.sessionsPerWorker(), config.queueCapacity());
    }

    /** The address the server listens on (with the real port when the config asked for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    private void awaitAllReady(long t0) throws IOException {
        long deadline = t0 + WORKER_START_TIMEOUT.toNanos();
        synchronized (this) {
            while (!table.allReady()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("workers did not start within " + WORKER_START_TIMEOUT.toSeconds() + " s");
                }
                if (table.slots().stream().anyMatch(s -> s.restarts >= 3)) {
                    throw new IOException("workers keep dying as they start; see the log above");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting workers", e);
                }
            }
        }
    }

    // ---- accepting

    private void acceptLoop() {
        while (!stopping) {
            try {
                selector.select();
                selector.selectedKeys().clear();
                acceptPending();
            } catch (ClosedSelectorException | ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // e.g. EMFILE: the pending connection stays in the backlog; do not spin on it
                log.error("accept failed: {}; retrying in 100 ms", e.getMessage());
                sleepQuietly(100);
            }
        }
        try {
            acceptPending(); // what already sits in the backlog gets "shutting down", not a reset
        } catch (IOException e) {
            log.debug("last accepts: {}", e.getMessage());
        }
    }

    private void acceptPending() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            accepted(channel);
        }
    }

    private void accepted(SocketChannel channel) {
        InetSocketAddress remote;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            remote = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            closeQuietly(channel); // the client already reset the connection: nobody to answer
            return;
        }
        synchronized (this) {
            var connection = new Connection(++nextConnectionId, channel, family, remote);
            accepted++;
            if (stopping) {
                Rejecter.reject(connection, ErrorCode.SHUTTING_DOWN, "server is shutting down");
            } else if (!tryHandOff(connection)) {
                if (queue.size() < config.queueCapacity()) {
                    queue.add(new Waiting(connection, System.nanoTime()));
                    log.info("{} waits: every worker is full ({} waiting)", connection.name(), queue.size());
                } else {
                    rejectBusy(connection, "server busy: every worker is full and " + queue.size()
                            + " connections are already waiting; try again later");
                }
            }
        }
    }

    /** Hands {@code connection} to the least-loaded ready worker; false when none has room. Lock held. */
    private boolean tryHandOff(Connection connection) {
        WorkerTable.Slot slot;
        while ((slot = table.reserve()) != null) {
            try {
                slot.link.handOff(connection);
                slot.handoffs++;
                handedOff++;
                log.info("{} -> {}[PID {}:no {}] ({}/{} sessions)", connection.name(), label(), slot.pid,
                        slot.number, slot.sessions, table.capacity());
                return true;
            } catch (IOException e) {
                // The worker is dead, dying or hung (the send timed out). Make sure it is gone: its event thread
                // then replaces it. Try another one.
                table.release(slot);
                slot.state = WorkerTable.State.BROKEN;
                log.warn("hand-off of {} to worker {} (pid {}) failed: {}; replacing that worker", connection.name(),
                        slot.number, slot.pid, e.getMessage());
                slot.link.kill();
            }
        }
        return false;
    }

    /** Serves waiting connections while workers have room. Lock held. */
    private void serveWaiting() {
        while (!queue.isEmpty() && tryHandOff(queue.peek().connection())) {
            queue.poll();
        }
    }

    private void expireWaiting() {
        synchronized (this) {
            long limit = config.queueTimeout().toNanos();
            while (!queue.isEmpty() && System.nanoTime() - queue.peek().sinceNanos() > limit) {
                rejectBusy(queue.poll().connection(), "server busy: no worker became free within "
                        + config.queueTimeout().toSeconds() + " s; try again later");
            }
        }
    }

    /**
     * Kills a ready worker that has not answered a heartbeat for {@value #HEARTBEATS_MISSED} periods (it is hung,
     * stopped, or stuck in garbage collection: alive, but serving no one), then asks every worker again. The kill is
     * seen like any death: the worker is replaced.
     */
    private void checkHeartbeats() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            long now = System.nanoTime();
            long limit = config.workerHeartbeat().toNanos() * HEARTBEATS_MISSED;
            heartbeatSequence++;
            for (WorkerTable.Slot slot : table.slots()) {
                if (slot.state != WorkerTable.State.READY) {
                    continue;
                }
                if (now - slot.lastAliveNanos > limit) {
                    log.error("{}[PID {}:no {}] has not answered for {} ms: killing it", label(), slot.pid,
                            slot.number, TimeUnit.NANOSECONDS.toMillis(now - slot.lastAliveNanos));
                    slot.state = WorkerTable.State.BROKEN;
                    slot.link.kill();
                } else {
                    slot.link.heartbeat(heartbeatSequence);
                }
            }
        }
    }

    private void rejectBusy(Connection connection, String message) {
        rejectedBusy++;
        log.warn("{} rejected: {}", connection.name(), message);
        Rejecter.reject(connection, ErrorCode.SERVER_BUSY, message);
    }

    // ---- supervision

    /** Starts the worker of {@code slot} and the thread that hears its events. Lock held. */
    private void spawn(WorkerTable.Slot slot) {
        WorkerLink link;
        try {
            link = launcher.start(slot.number);
        } catch (IOException | RuntimeException e) {
            log.error("cannot start worker {}: {}; retrying in {} ms", slot.number, e.getMessage(),
                    RESPAWN_BACKOFF_MILLIS);
            slot.state = WorkerTable.State.RESTARTING;
            timer.schedule(() -> {
                synchronized (this) {
                    if (!stopping) {
                        spawn(slot);
                    }
                }
            }, RESPAWN_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        slot.link = link;
        slot.pid = link.pid();
        slot.state = WorkerTable.State.STARTING;
        slot.sessions = 0;
        slot.startedNanos = System.nanoTime();
        log.info("worker {} starting: pid {}", slot.number, slot.pid);
        Thread.ofPlatform().daemon().name("worker-" + slot.number + "-events").start(() -> {
            link.deliverEvents(new Events(slot, link));
            workerGone(slot, link);
        });
    }

    private final class Events implements WorkerEvents {
        private final WorkerTable.Slot slot;
        private final WorkerLink link;

        Events(WorkerTable.Slot slot, WorkerLink link) {
            this.slot = slot;
            this.link = link;
        }

        @Override
        public void ready(long pid) {
            synchronized (Master.this) {
                if (slot.link != link) {
                    return;
                }
                slot.state = stopping ? WorkerTable.State.STOPPING : WorkerTable.State.READY;
                slot.lastAliveNanos = System.nanoTime();
                log.info("{}[PID {}:no {}] ready in {} ms", label(), pid, slot.number,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - slot.startedNanos));
                if (stopping) {
                    link.stop(config.drainTimeout());
                }
                Master.this.notifyAll();
                serveWaiting();
            }
        }

        @Override
        public void alive(long sequence) {
            synchronized (Master.this) {
                if (slot.link == link) {
                    slot.lastAliveNanos = System.nanoTime();
                }
            }
        }

        @Override
        public void sessionEnded(long connectionId) {
            synchronized (Master.this) {
                if (slot.link != link) {
                    return;
                }
                table.release(slot);
                log.debug("conn#{} ended on worker {} ({}/{} sessions)", connectionId, slot.number, slot.sessions,
                        table.capacity());
                serveWaiting();
            }
        }
    }

    private void workerGone(WorkerTable.Slot slot, WorkerLink link) {
        String how = describeExit(link);
        if (launcher.mode().equals("process")) {
            removeUnfinishedUploads(link.pid());
        }
        synchronized (this) {
            if (slot.link != link) {
                return;
            }
            if (stopping) {
                slot.state = WorkerTable.State.EXITED;
                slot.sessions = 0;
                log.info("{}[PID {}:no {}] exited: {}", label(), slot.pid, slot.number, how);
                notifyAll();
                return;
            }
            log.error("{}[PID {}:no {}] died ({}); {} session(s) lost; starting a replacement", label(), slot.pid,
                    slot.number, how, slot.sessions);
            slot.restarts++;
            notifyAll(); // a start in progress gives up on workers that keep dying
            slot.sessions = 0;
            slot.state = WorkerTable.State.RESTARTING;
            boolean crashLooping = System.nanoTime() - slot.startedNanos < TimeUnit.SECONDS.toNanos(2);
            if (crashLooping) {
                timer.schedule(() -> {
                    synchronized (this) {
                        if (!stopping && slot.link == link) {
                            spawn(slot);
                        }
                    }
                }, RESPAWN_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                spawn(slot);
            }
        }
    }

    /** A dead worker process cannot finish or clean up its uploads; their temporary files go now. */
    private void removeUnfinishedUploads(long pid) {
        try {
            int removed = FileBlobStore.open(config.dataDir()).sweepTemporaryFilesOf(pid);
            if (removed > 0) {
                log.info("removed {} unfinished upload(s) of worker pid {}", removed, pid);
            }
        } catch (IOException e) {
            log.warn("cannot remove the unfinished uploads of worker pid {}: {}", pid, e.getMessage());
        }
    }

    private static String describeExit(WorkerLink link) {
        try {
            return link.exited().get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            link.kill();
            return "control link lost, killed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        } catch (ExecutionException e) {
            return "unknown: " + e.getCause();
        }
    }

    /** Kills worker {@code number} abruptly, as a crash would (thread mode's stand-in for {@code kill -9}). */
    public void killWorker(int number) {
        WorkerLink link;
        synchronized (this) {
            link = table.slots().get(number).link;
        }
        if (link != null) {
            link.kill();
        }
    }

    // ---- status and stop

    public synchronized ServerStatus status() {
        return new ServerStatus(ProcessHandle.current().pid(), NetdiskVersion.VALUE, launcher.mode(),
                address == null ? "-" : display(address),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), state, queue.size(),
                config.queueCapacity(), accepted, handedOff, rejectedBusy, table.rows());
    }

    /**
     * Graceful stop: no more accepts; waiting connections are told the server is shutting down; every worker is told
     * to stop, drains for up to the drain timeout and exits; stragglers are killed; every worker is reaped.
     */
    public void stop() {
        List<CompletableFuture<String>> exits = new ArrayList<>();
        List<WorkerTable.Slot> running = new ArrayList<>();
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            state = "stopping";
        }
        closeListener();
        synchronized (this) {
            log.info("stopping: no new connections; {} session(s) get up to {} ms to finish", table.totalSessions(),
                    config.drainTimeout().toMillis());
            for (Waiting waiting : queue) {
                Rejecter.reject(waiting.connection(), ErrorCode.SHUTTING_DOWN, "server is shutting down");
            }
            queue.clear();
            for (WorkerTable.Slot slot : table.slots()) {
                if (slot.link != null) {
                    if (slot.state != WorkerTable.State.RESTARTING) { // a dead one's exit is logged already
                        running.add(slot);
                    }
                    slot.state = WorkerTable.State.STOPPING;
                    slot.link.stop(config.drainTimeout());
                    exits.add(slot.link.exited());
                }
            }
        }
        awaitExits(exits, config.drainTimeout().plus(STOP_GRACE));
        awaitExitsLogged(running);
        timer.shutdownNow();
        log.info("all {} workers exited; master stops", config.workers());
    }

    /**
     * Until each worker's events thread has logged how its worker exited, for at most {@link #EXIT_LOG_WAIT_MILLIS}:
     * it does so when it sees the end of the control socket, about when the process's exit completed the future that
     * {@link #awaitExits} waited for, and the master's own exit would otherwise lose the line.
     */
    private synchronized void awaitExitsLogged(List<WorkerTable.Slot> running) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_LOG_WAIT_MILLIS);
        while (running.stream().anyMatch(s -> s.state != WorkerTable.State.EXITED)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void awaitExits(List<CompletableFuture<String>> exits, Duration limit) {
        var all = CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new));
        try {
            all.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            log.warn("workers still running {} ms after stop: killing them", limit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("waiting for workers failed: {}", e.getCause().toString());
        }
        synchronized (this) {
            table.slots().forEach(s -> {
                if (s.link != null) {
                    s.link.kill();
                }
            });
        }
        try {
            all.get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.error("some workers could not be reaped: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeListener() {
        if (selector != null) {
            selector.wakeup();
        }
        if (acceptThread != null) {
            try {
                acceptThread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (selector != null) {
                selector.close();
            }
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            log.debug("closing the listener: {}", e.getMessage());
        }
    }

    private String label() {
        return launcher.mode().equals("process") ? "PROCESS" : "THREAD";
    }

    static String display(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already broken
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
