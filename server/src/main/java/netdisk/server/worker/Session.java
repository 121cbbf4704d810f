package netdisk.server.worker;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.Hello;
import netdisk.protocol.ProtocolException;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;
import netdisk.protocol.NetdiskVersion;
import netdisk.server.audit.AuditLog;
import netdisk.server.pool.Connection;

/**
 * One client connection, served by blocking code on its own virtual thread: handshake, then read a frame, act,
 * answer, until the client leaves.
 *
 * <p>States, for a graceful stop: {@code HANDSHAKE} until the Hello is answered; then {@code IDLE} while the session
 * waits for a request with nothing buffered, {@code BUSY} from the first byte of a request to the end of its answer;
 * {@code CLOSING} once the server decided to end it. Whoever moves the session to {@code CLOSING} (the session
 * itself, the worker's timer, a drain) decides the final notice and the reason, under the {@link #ending} lock, and
 * then wakes the session's thread if it waits for the client (by shutting the socket's input, which ends its read).
 * Only the session's own thread writes to the client: it sends the notice, after any answers still held back, and
 * closes the connection. So the timer and the worker's control thread never wait for a client: one that reads
 * nothing cannot hold them up, and with them every other session's timeouts and the worker's stop.
 *
 * <p>Stalls: a request in progress whose socket call has waited longer than {@code --stall-timeout} for its client
 * (a frame or upload content that stopped arriving, an answer or download that the client stopped taking) ends the
 * session. A client that stopped sending gets a {@code TIMEOUT} notice; one that stopped reading is cut, as nothing
 * more can reach it. An upload cut that way is kept for resume as any other that broke off.
 */
final class Session implements ServedConnection {

    private enum State { HANDSHAKE, IDLE, BUSY, CLOSING }

    private final Connection connection;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;
    private final BiConsumer<Session, String> onWelcome;
    private final BiConsumer<ServedConnection, String> onEnd;
    private final AtomicReference<State> state = new AtomicReference<>(State.HANDSHAKE);
    /** Held while the move to CLOSING, its reason and its notice are decided; see the class comment. */
    private final ReentrantLock ending = new ReentrantLock();
    private final TimedSocket socket;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final RequestHandler handler;
    private final SessionIo io;
    private final long startNanos = System.nanoTime();
    private volatile boolean draining;
    /** Set by {@link #greetIfReady()} before the session's thread starts (so visible to it). */
    private boolean greetedEarly;
    private String earlyOutcome;
    private volatile String closeReason;
    /** The last frame for the client, decided with the move to CLOSING; sent by the session's thread. */
    private ErrorReply notice;
    /** When the session last became IDLE; meaningful only while it is. */
    private volatile long idleSinceNanos;
    private int requests;
    /**
     * When the last read that brought bytes returned ({@link System#nanoTime()}): every frame buffered had arrived by
     * then. By the session's thread (or before it starts, by greetIfReady).
     */
    private long lastReadNanos;

    /**
     * @param onWelcome told, on the session's thread, once the client was welcomed (with its software string)
     * @param onEnd told, on the session's thread, how the session ended
     */
    Session(Connection connection, WorkerIdentity identity, WorkerSettings settings, Services services,
            BiConsumer<Session, String> onWelcome, BiConsumer<ServedConnection, String> onEnd) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.identity = identity;
        this.settings = settings;
        this.onWelcome = onWelcome;
        this.onEnd = onEnd;
        this.socket = new TimedSocket(connection.channel());
        this.reader = new FrameReader(new StateTrackingChannel());
        this.writer = new FrameWriter(socket);
        AuditLog.Lines auditLines = services == null ? null : services.audit().lines();
        this.handler = new RequestHandler(identity, services, connection.remote(), auditLines);
        this.io = new SessionIo(socket, reader, writer, auditLines);
    }

    @Override
    public long connectionId() {
        return connection.id();
    }

    @Override
    public String name() {
        return connection.name();
    }

    @Override
    public int requests() {
        return requests;
    }

    @Override
    public long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public void run() {
        String outcome;
        try {
            outcome = serve();
        } catch (AsynchronousCloseException e) {
            outcome = Objects.requireNonNullElse(closeReason, "closed by the server");
        } catch (EOFException e) {
            outcome = "client left in the middle of a frame";
        } catch (IOException e) {
            outcome = closeReason != null ? closeReason : "connection error: " + e.getMessage();
        } catch (RuntimeException | Error e) {
            String incident = Incidents.report(identity + " " + connection.name(), e);
            sendQuietly(0, ErrorReply.of(ErrorCode.INTERNAL, "internal error, incident " + incident));
            outcome = "internal error, incident " + incident;
        } finally {
            sendNoticeAndClose();
        }
        onEnd.accept(this, outcome);
    }

    /** Asks the session to end after the request it is serving; a session waiting for a request ends now. */
    @Override
    public void drain() {
        draining = true;
        State current = state.get();
        if (current == State.IDLE || current == State.HANDSHAKE) {
            endWithNotice(current, ErrorCode.SHUTTING_DOWN, "server is shutting down", "server stopping");
        }
    }

    /** Cuts the connection now, whatever the session is doing. */
    @Override
    public void abort(String reason) {
        state.set(State.CLOSING);
        closeReason = "cut: " + reason;
        closeChannel();
    }

    private String serve() throws IOException {
        String refused = handshake();
        if (refused != null) {
            return refused;
        }
        if (!state.compareAndSet(State.HANDSHAKE, State.BUSY)) {
            return reasonOfTheCloser("closed during the handshake");
        }
        while (true) {
            Frame request;
            try {
                request = reader.read();
            } catch (ProtocolException e) {
                if (!e.recoverable()) {
                    sendQuietly(0, ErrorReply.of(ErrorCode.PROTOCOL_ERROR, e.getMessage()));
                    return "protocol error: " + e.getMessage();
                }
                requests++;
                writer.write(new Frame(e.requestId(), ErrorReply.of(e.errorCode(), e.getMessage())));
                continue;
            }
            if (request == null) {
                return "client closed";
            }
            requests++;
            try {
                handler.handle(request, lastReadNanos, io, connection.name());
            } catch (TransferAbortedException e) {
                String why = closeReason; // set when the server ended it: a stall
                return why == null ? e.getMessage() : why + " (" + e.getMessage() + ")";
            }
            if (draining && endWithNotice(State.BUSY, ErrorCode.SHUTTING_DOWN, "server is shutting down",
                    "server stopping, after finishing the request in progress")) {
                return "server stopping, after finishing the request in progress";
            }
        }
    }

    /**
     * On the worker's control thread, before the session's own thread starts: if the client's Hello is already in the
     * socket (it almost always is: a client sends it right after connecting), answer it here, which takes the wake-up
     * of a virtual thread off the path to the client's first answer. Otherwise, or on any I/O trouble, the session's
     * thread does the handshake as usual.
     */
    void greetIfReady() {
        var channel = connection.channel();
        try {
            Frame first;
            channel.configureBlocking(false);
            try {
                first = reader.poll();
            } finally {
                channel.configureBlocking(true);
            }
            if (first != null) {
                earlyOutcome = answerHello(first);
                greetedEarly = true;
            }
        } catch (ProtocolException e) {
            earlyOutcome = refuseNonClient(e);
            greetedEarly = true;
        } catch (IOException e) {
            // left to the session's thread, which meets the same problem and reports it
        }
    }

    /** Returns null when the client was welcomed, or why the connection ends. */
    private String handshake() throws IOException {
        if (greetedEarly) {
            return earlyOutcome;
        }
        Frame first;
        try {
            first = reader.read();
        } catch (ProtocolException e) {
            return refuseNonClient(e);
        }
        if (first == null) {
            return "client closed before the handshake";
        }
        return answerHello(first);
    }

    private String refuseNonClient(ProtocolException e) {
        sendQuietly(0, ErrorReply.of(ErrorCode.PROTOCOL_ERROR, "expected Hello: " + e.getMessage()));
        return "not a netdisk client: " + e.getMessage();
    }

    /** Answers the first frame: Welcome (returns null) or a refusal (returns why the connection ends). */
    private String answerHello(Frame first) throws IOException {
        if (!(first.message() instanceof Hello hello)) {
            sendQuietly(first.requestId(), ErrorReply.of(ErrorCode.PROTOCOL_ERROR, "the first frame must be Hello"));
            return "no Hello";
        }
        if (!ProtocolVersion.compatible(hello.major())) {
            sendQuietly(first.requestId(), ErrorReply.of(ErrorCode.VERSION_MISMATCH,
                    "server speaks protocol " + ProtocolVersion.MAJOR + "." + ProtocolVersion.MINOR + ", client "
                            + hello.major() + "." + hello.minor() + " is not compatible"));
            return "incompatible client " + hello.software() + " (protocol " + hello.major() + "." + hello.minor() + ")";
        }
        handler.greeted(hello.minor());
        io.reply(new Frame(first.requestId(), new Welcome(ProtocolVersion.MAJOR, ProtocolVersion.MINOR,
                NetdiskVersion.VALUE, identity.number(), identity.pid())));
        onWelcome.accept(this, hello.software() + " (protocol " + hello.major() + "." + hello.minor() + ")");
        return null;
    }

    /**
     * Ends the session with TIMEOUT if at {@code nowNanos} it still has not said Hello, or has been waiting for a
     * request (IDLE) for longer than the idle timeout, or a request in progress has been waiting for the client for
     * longer than the stall timeout. A session serving a request, a transfer included, is BUSY and never idle.
     */
    @Override
    public void enforceTimeouts(long nowNanos) {
        if (endIfStalled(nowNanos)) {
            return;
        }
        if (nowNanos - startNanos >= settings.handshakeTimeout().toNanos() && state.get() == State.HANDSHAKE) {
            String late = "no Hello within " + settings.handshakeTimeout().toMillis() + " ms";
            if (endWithNotice(State.HANDSHAKE, ErrorCode.TIMEOUT, late, late)) {
                return;
            }
        }
        if (nowNanos - idleSinceNanos >= settings.idleTimeout().toNanos() && state.get() == State.IDLE) {
            String idle = "idle for " + settings.idleTimeout().toSeconds() + " s";
            endWithNotice(State.IDLE, ErrorCode.TIMEOUT, "closed after being " + idle, idle);
        }
    }

    /**
     * A request in progress (or the final notice) whose socket call waited longer than the stall timeout: a client
     * that stopped sending is told TIMEOUT, one that stopped reading is cut. Returns whether the session was ended.
     */
    private boolean endIfStalled(long nowNanos) {
        Duration limit = settings.stallTimeout();
        State current = state.get();
        if (current == State.IDLE || current == State.HANDSHAKE && socket.waiting() != TimedSocket.Waiting.TO_SEND) {
            return false; // waiting for a request or a Hello: the idle and handshake timeouts' business
        }
        switch (socket.stalled(nowNanos, limit.toNanos())) {
            case NOTHING -> {
                return false;
            }
            case TO_RECEIVE -> {
                if (current != State.BUSY) {
                    return false; // a closing session's read ends at once
                }
                String why = TimedSocket.stallReason(TimedSocket.Waiting.TO_RECEIVE, limit);
                return endWithNotice(State.BUSY, ErrorCode.TIMEOUT, "closed: " + why + " in the middle of a request",
                        why);
            }
            case TO_SEND -> {
                abort(TimedSocket.stallReason(TimedSocket.Waiting.TO_SEND, limit));
                return true;
            }
        }
        return false;
    }

    /**
     * Ends the session if it is still in state {@code from}: moves it to {@code CLOSING} and decides its notice, under
     * the {@link #ending} lock, then wakes the session's thread to send it and close. Returns whether it did. Never
     * waits for the client, whichever thread calls it.
     */
    private boolean endWithNotice(State from, ErrorCode code, String message, String reason) {
        ending.lock();
        try {
            if (!state.compareAndSet(from, State.CLOSING)) {
                return false;
            }
            closeReason = reason;
            notice = ErrorReply.of(code, message);
        } finally {
            ending.unlock();
        }
        try {
            connection.channel().shutdownInput(); // a read in progress returns end of stream; the thread then ends
        } catch (IOException e) {
            closeChannel(); // closed or broken already: nothing to tell
        }
        return true;
    }

    /**
     * The end of the session's thread: answers held back for requests that came after the last one served, then the
     * final notice if the session was ended with one, then the close. On the session's own thread, as every write.
     */
    private void sendNoticeAndClose() {
        ErrorReply last;
        ending.lock();
        try {
            last = notice;
        } finally {
            ending.unlock();
        }
        try {
            io.flush();
            if (last != null) {
                writer.write(new Frame(0, last));
            }
        } catch (IOException | RuntimeException e) {
            // the client is gone or going: the notice was a courtesy
        }
        closeChannel();
    }

    /** Why whoever moved the session to {@code CLOSING} ended it, once that one is done; {@code otherwise} if unsaid. */
    private String reasonOfTheCloser(String otherwise) {
        ending.lock();
        try {
            return Objects.requireNonNullElse(closeReason, otherwise);
        } finally {
            ending.unlock();
        }
    }

    private void sendQuietly(int requestId, ErrorReply reply) {
        try {
            writer.write(new Frame(requestId, reply));
        } catch (IOException | RuntimeException e) {
            // the client is gone or going: the notice was a courtesy
        }
    }

    private void closeChannel() {
        try {
            connection.channel().close();
        } catch (IOException e) {
            // closing a socket that failed: nothing to add
        }
    }

    /**
     * The session's view of its socket: moves {@code BUSY → IDLE} when it is about to wait with no request bytes
     * buffered, and {@code IDLE → BUSY} when request bytes arrive. A drain that finds the session idle closes it.
     */
    private final class StateTrackingChannel implements ReadableByteChannel {

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (socket.channel().isBlocking()) {
                io.flush(); // never wait for the client with answers or audit lines held back (a non-blocking
                            // read does not wait)
            }
            if (reader.buffered() == 0 && becomeIdle() && draining
                    && endWithNotice(State.IDLE, ErrorCode.SHUTTING_DOWN, "server is shutting down",
                            "server stopping")) {
                throw new AsynchronousCloseException();
            }
            int n = socket.read(dst); // no longer timed once it returns: BUSY never meets the wait for a request
            if (n > 0) {
                lastReadNanos = System.nanoTime();
                state.compareAndSet(State.IDLE, State.BUSY);
            }
            if (state.get() == State.CLOSING) {
                throw new AsynchronousCloseException(); // ended by the server; woken by its shutdown of the input
            }
            return n;
        }

        private boolean becomeIdle() {
            idleSinceNanos = System.nanoTime(); // before the state change, so a sweep never sees IDLE with an old time
            return state.compareAndSet(State.BUSY, State.IDLE);
        }

        @Override
        public boolean isOpen() {
            return connection.channel().isOpen();
        }

        @Override
        public void close() throws IOException {
            connection.channel().close();
        }
    }
}
