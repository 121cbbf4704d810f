package netdisk.server.worker;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ReadableByteChannel;
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
import netdisk.server.pool.Connection;

/**
 * One client connection, served by blocking code on its own virtual thread: handshake, then read a frame, act,
 * answer, until the client leaves.
 *
 * <p>States, for a graceful stop: {@code HANDSHAKE} until the Hello is answered; then {@code IDLE} while the session
 * waits for a request with nothing buffered, {@code BUSY} from the first byte of a request to the end of its answer;
 * {@code CLOSING} once the server decided to end it. Whoever moves the session to {@code CLOSING} (the session
 * itself, the handshake timer, a drain) is the one that sends the final notice, so it is sent once. It does so holding
 * the {@link #ending} lock from that move until the connection is closed, and the session's thread takes the same lock
 * before it closes the connection itself: a session whose thread finds it {@code CLOSING} (a drain that caught it
 * between its early Welcome and its first read, say) cannot close the connection under a notice still on its way.
 */
final class Session implements ServedConnection {

    private enum State { HANDSHAKE, IDLE, BUSY, CLOSING }

    private final Connection connection;
    private final WorkerIdentity identity;
    private final WorkerSettings settings;
    private final BiConsumer<Session, String> onWelcome;
    private final BiConsumer<ServedConnection, String> onEnd;
    private final AtomicReference<State> state = new AtomicReference<>(State.HANDSHAKE);
    /** Held while a final notice is decided, sent and followed by the close; see the class comment. */
    private final ReentrantLock ending = new ReentrantLock();
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
    /** When the session last became IDLE; meaningful only while it is. */
    private volatile long idleSinceNanos;
    private int requests;

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
        this.reader = new FrameReader(new StateTrackingChannel());
        this.writer = new FrameWriter(connection.channel());
        this.handler = new RequestHandler(identity, services, connection.remote());
        this.io = new SessionIo(connection.channel(), reader, writer);
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
            closeAfterAnyNotice();
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
                handler.handle(request, io, connection.name());
            } catch (TransferAbortedException e) {
                return e.getMessage();
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
     * request (IDLE) for longer than the idle timeout. A session serving a request, a transfer included, is BUSY and
     * never idle.
     */
    @Override
    public void enforceTimeouts(long nowNanos) {
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
     * Ends the session if it is still in state {@code from}: moves it to {@code CLOSING}, sends the notice and closes
     * the connection, all under the {@link #ending} lock. Returns whether it did.
     */
    private boolean endWithNotice(State from, ErrorCode code, String message, String reason) {
        ending.lock();
        try {
            if (!state.compareAndSet(from, State.CLOSING)) {
                return false;
            }
            closeReason = reason;
            sendQuietly(0, ErrorReply.of(code, message));
            closeChannel();
            return true;
        } finally {
            ending.unlock();
        }
    }

    /** The session's thread closes its connection at its end, but never while another is ending it with a notice. */
    private void closeAfterAnyNotice() {
        ending.lock();
        try {
            try {
                writer.flush(); // answers held back for requests that came after the last one served
            } catch (IOException | RuntimeException e) {
                // the client is gone or going
            }
            closeChannel();
        } finally {
            ending.unlock();
        }
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
            if (connection.channel().isBlocking()) {
                writer.flush(); // never wait for the client with answers held back (a non-blocking read does not wait)
            }
            if (reader.buffered() == 0 && becomeIdle() && draining
                    && endWithNotice(State.IDLE, ErrorCode.SHUTTING_DOWN, "server is shutting down",
                            "server stopping")) {
                throw new AsynchronousCloseException();
            }
            int n = connection.channel().read(dst);
            if (n > 0 && !state.compareAndSet(State.IDLE, State.BUSY) && state.get() == State.CLOSING) {
                throw new AsynchronousCloseException();
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
