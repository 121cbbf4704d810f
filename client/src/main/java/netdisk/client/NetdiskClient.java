package netdisk.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Objects;

import netdisk.protocol.BackgroundDigest;
import netdisk.protocol.ContentProof;
import netdisk.protocol.ContentSink;
import netdisk.protocol.ContentSinks;
import netdisk.protocol.CopyRequest;
import netdisk.protocol.Done;
import netdisk.protocol.Entry;
import netdisk.protocol.EntryReply;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileHeader;
import netdisk.protocol.FileInfo;
import netdisk.protocol.FilePart;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.FrameWriter;
import netdisk.protocol.GetFile;
import netdisk.protocol.GetFrom;
import netdisk.protocol.GetRequest;
import netdisk.protocol.HashFirst;
import netdisk.protocol.Hello;
import netdisk.protocol.ListRequest;
import netdisk.protocol.Listing;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Logout;
import netdisk.protocol.Message;
import netdisk.protocol.MkdirRequest;
import netdisk.protocol.MoveRequest;
import netdisk.protocol.NetdiskVersion;
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.ProtocolException;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.ProveContent;
import netdisk.protocol.PutDone;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutHash;
import netdisk.protocol.PutInline;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutRequest;
import netdisk.protocol.PutResume;
import netdisk.protocol.PutStored;
import netdisk.protocol.PutStream;
import netdisk.protocol.Register;
import netdisk.protocol.RemoveRequest;
import netdisk.protocol.ResumeFrom;
import netdisk.protocol.StatRequest;
import netdisk.protocol.Ticket;
import netdisk.protocol.TicketRequest;
import netdisk.protocol.UsageReply;
import netdisk.protocol.UsageRequest;
import netdisk.protocol.Welcome;
import netdisk.protocol.WriteBehind;

/**
 * A session with a netdisk server: {@link #connect} opens the connection and does the versioned handshake; then one
 * request at a time. Every failure is an {@link IOException} with a message fit for a user; an answer
 * of the server's that refuses (busy, shutting down, not logged in, no such file...) is a
 * {@link ServerRefusedException} carrying the {@link netdisk.protocol.ErrorCode}, after which the session can go on.
 *
 * <p>Since protocol 1.1 everything but {@link #ping} needs a login first ({@link #login}, {@link #loginWithToken} or
 * {@link #register}). Remote paths are absolute paths of the user's tree without {@code .} or {@code ..}: resolve
 * what a user typed with {@link RemotePath#resolve} before passing it here.
 *
 * <p>Requests are serialised: threads may share a session (a shell browsing while its background transfers ask for
 * tickets), each request waiting for the one before. {@link #close} may be called from another thread at any time,
 * for example to cancel a transfer: the call in progress then fails with an {@link IOException}, and the session is
 * over.
 */
public final class NetdiskClient implements AutoCloseable {

    /**
     * Files from this size on are uploaded streamed ({@link #putStream}) when the server allows it: read once, hashed
     * while sent. Below it, hashing the file first costs a few milliseconds.
     */
    public static final long STREAMED_FROM = 16L << 20;
        /** How long the client waits for the server to answer or to move transfer bytes before it gives up. */
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(60);
    private static final int CONTENT_BUFFER = 1 << 20;
    private static final long UPLOAD_CHUNK = 16L << 20;
    private static final int VERIFIED_TRANSFERS_MINOR = 2;
    /** Protocol 1.3: transfer connections, pipelined small files, resumed uploads and downloads. */
    private static final int TRANSFER_CONNECTIONS_MINOR = 3;
    /** Protocol 1.4: streamed uploads, their SHA-256 after their content. */
    private static final int STREAMED_UPLOADS_MINOR = 4;
    /** Listing requests of {@link #list(List)} sent ahead of their answers, at most. */
    private static final int LIST_WINDOW = 16;
    /** Directory requests of {@link #mkdirs} sent ahead of their answers, at most (each answer a small frame). */
    private static final int MKDIR_WINDOW = 64;
    /** Below this, a file is hashed on the receiving thread: starting a hashing thread would cost more. */
    private static final long BACKGROUND_HASHING_FROM = 4L << 20;
    /** Pipelined requests never have more than this many bytes of frames unanswered: far below any socket buffer. */
    private static final long PIPELINE_BYTES = 4L << 20;

    /** Where content nobody can use goes (the rest of a download that is started over). */
    private static final WritableByteChannel DISCARD = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer source) {
            int n = source.remaining();
            source.position(source.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    };

    private final SocketChannel channel;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Welcome welcome;
    private final IdleWatchdog watchdog;
    private final Duration ioTimeout;
    private int nextRequestId = 1;
    private ByteBuffer smallContent;

    private NetdiskClient(SocketChannel channel, FrameReader reader, FrameWriter writer, Welcome welcome,
            Duration ioTimeout) {
        this.channel = channel;
        this.reader = reader;
        this.writer = writer;
        this.welcome = welcome;
        this.ioTimeout = ioTimeout;
        this.watchdog = new IdleWatchdog(ioTimeout, this::closeQuietly);
    }

    /**
     * Connects to {@code host:port} and says Hello.
     *
     * @throws ServerRefusedException if the server answers with an error (busy, incompatible version...)
     * @throws IOException if the server cannot be reached or does not speak netdisk
     */
    public static NetdiskClient connect(String host, int port, Duration timeout) throws IOException {
        SocketChannel channel = open(host, port, timeout);
        try {
            var reader = new FrameReader(channel);
            var writer = new FrameWriter(channel);
            writer.write(hello());
            return new NetdiskClient(channel, reader, writer, welcome(reader, host, port), DEFAULT_IO_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Connects a transfer connection and logs it in with a transfer ticket ({@link #loginWithTicket}) in one round
     * trip: the {@code Login} goes right behind the {@code Hello}, which protocol 1.3 allows a client that knows the
     * server speaks 1.3 or later (it has a session there). The server answers {@code Welcome}, then {@code LoginOk}.
     *
     * @throws ServerRefusedException if the server refuses the ticket (expired, say); the connection is closed
     * @throws IncompatibleServerException if the server is older than protocol 1.3
     */
    public static NetdiskClient connectWithTicket(String host, int port, Duration timeout, String user, String ticket)
            throws IOException {
        SocketChannel channel = open(host, port, timeout);
        try {
            var reader = new FrameReader(channel);
            var writer = new FrameWriter(channel);
            writer.write(hello(), FrameEncoder.encode(new Frame(1, new Login(user, Login.TICKET, ticket))));
            var client = new NetdiskClient(channel, reader, writer, welcome(reader, host, port), DEFAULT_IO_TIMEOUT);
            client.nextRequestId = 2;
            client.requireMinor(TRANSFER_CONNECTIONS_MINOR, "transfer connections need");
            expect(client.answer("the login"), LoginOk.class, "Login");
            return client;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static SocketChannel open(String host, int port, Duration timeout) throws IOException {
        Objects.requireNonNull(host, "host");
        var address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ServerUnreachableException("unknown host " + host, null);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(address, Math.toIntExact(timeout.toMillis()));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new ServerUnreachableException("cannot connect to " + host + ":" + port + ": "
                    + e.getMessage() + " (is the server running?)", e);
        }
    }

    private static Frame hello() {
        return new Frame(0, new Hello(ProtocolVersion.MAJOR, ProtocolVersion.MINOR,
                "netdisk-client/" + NetdiskVersion.VALUE));
    }

    /** The server's answer to the Hello, if it welcomes this client. */
    private static Welcome welcome(FrameReader reader, String host, int port) throws IOException {
        Message answer;
        try {
            answer = readAnswer(reader, "the handshake");
        } catch (ProtocolException e) {
            throw new IncompatibleServerException(host + ":" + port + " does not speak netdisk: "
                    + e.getMessage(), e);
        }
        if (!(answer instanceof Welcome welcome)) {
            throw new IncompatibleServerException("not a netdisk server: it answered Hello with " + answer);
        }
        if (!ProtocolVersion.compatible(welcome.major())) {
            throw new IncompatibleServerException("server speaks protocol " + welcome.major() + "."
                    + welcome.minor() + ", this client " + ProtocolVersion.MAJOR + "." + ProtocolVersion.MINOR);
        }
        return welcome;
    }

    /**
     * Whether the connection can take another request: not closed on this side (a cancel, a timeout or a broken
     * transfer closes it), and not closed or about to be closed by the server (an idle session, a server stopping).
     * For use between requests.
     */
    public synchronized boolean isOpen() {
        if (!channel.isOpen()) {
            return false;
        }
        if (serverClosedOrSpoke()) {
            closeQuietly();
            return false;
        }
        return true;
    }

    /**
     * Between requests the server says nothing, except a notice just before it closes the session (idle timeout,
     * shutdown): any byte, or the end of the stream, means the connection is done for. Looks without waiting.
     */
    private boolean serverClosedOrSpoke() {
        if (reader.buffered() > 0) {
            return true;
        }
        try {
            channel.configureBlocking(false);
            try {
                return channel.read(ByteBuffer.allocate(1)) != 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return true;
        }
    }

    /** What the server said in its Welcome: its version, and which worker serves this session. */
    public Welcome welcome() {
        return welcome;
    }

    /** One request/answer round trip; returns its duration in nanoseconds. */
    public synchronized long ping() throws IOException {
        long token = System.nanoTime();
        Message answer = request(new Ping(token));
        if (!(answer instanceof Pong pong) || pong.token() != token) {
            throw new IOException("unexpected answer to Ping: " + answer);
        }
        return System.nanoTime() - token;
    }

    /**
     * Logs in with a password. The password travels as a protocol string (the server hashes it); the char array is
     * the caller's to clear.
     *
     * @return who is logged in, and a token for {@link #loginWithToken} on later connections
     * @throws ServerRefusedException {@code LOGIN_FAILED}, {@code TOO_MANY_ATTEMPTS}, ...
     */
    public synchronized LoginOk login(String user, char[] password) throws IOException {
        return expect(request(new Login(user, Login.PASSWORD, new String(password))), LoginOk.class, "Login");
    }

    /**
     * Logs in with the token of an earlier {@link LoginOk}.
     *
     * @return who is logged in; the token's expiry may have moved on
     * @throws ServerRefusedException {@code LOGIN_FAILED} for a token that expired or was revoked, ...
     */
    public synchronized LoginOk loginWithToken(String user, String token) throws IOException {
        return expect(request(new Login(user, Login.TOKEN, token)), LoginOk.class, "Login");
    }

    /**
     * Logs this connection in as a <em>transfer connection</em> with a ticket from {@link #ticket()} (any connection of
     * the same user may have asked for it): it may then only transfer files, until the ticket expires; renew it on this
     * connection with {@link #ticket()} before that.
     *
     * @return who is logged in; {@link LoginOk#tokenExpires()} is when the ticket expires
     * @throws ServerRefusedException {@code LOGIN_FAILED} for a ticket that expired or is not valid
     * @throws IncompatibleServerException if the server is older than protocol 1.3
     */
    public synchronized LoginOk loginWithTicket(String user, String ticket) throws IOException {
        requireMinor(TRANSFER_CONNECTIONS_MINOR, "transfer connections need");
        return expect(request(new Login(user, Login.TICKET, ticket)), LoginOk.class, "Login");
    }

    /**
     * A new transfer ticket for the logged-in user: what {@link #loginWithTicket} logs other connections in with. On a
     * transfer connection this renews its own login too.
     *
     * @throws IncompatibleServerException if the server is older than protocol 1.3
     */
    public synchronized Ticket ticket() throws IOException {
        requireMinor(TRANSFER_CONNECTIONS_MINOR, "transfer connections need");
        return expect(request(new TicketRequest()), Ticket.class, "TicketRequest");
    }

    /** Whether the server speaks protocol 1.3 (transfer tickets, pipelined small files, resume). */
    public boolean supportsTransferConnections() {
        return welcome.minor() >= TRANSFER_CONNECTIONS_MINOR;
    }

    /**
     * Creates the account {@code user} and logs in as it.
     *
     * @throws ServerRefusedException {@code REGISTRATION_CLOSED}, {@code ALREADY_EXISTS}, {@code BAD_PATH} (a name
     *                                the server does not take), ...
     */
    public synchronized LoginOk register(String user, char[] password) throws IOException {
        return expect(request(new Register(user, new String(password))), LoginOk.class, "Register");
    }

    /**
     * Ends the login and revokes its token; the connection stays open, not logged in.
     *
     * @return how many tokens the server revoked (1, or 0 if there was none)
     */
    public synchronized long logout() throws IOException {
        return expect(request(new Logout()), Done.class, "Logout").count();
    }

    /**
     * The entries of the directory {@code path}, in name order, however many frames the server needs for them; for
     * a file, the file alone.
     */
    public synchronized List<Entry> list(String path) throws IOException {
        send(new ListRequest(path));
        return listing(path);
    }

    /**
     * The entries of every directory of {@code paths}, in the same order, pipelined: up to {@value #LIST_WINDOW}
     * requests are sent before their answers are read, so that walking a tree costs a round trip per level rather
     * than per directory. Every answer is read; then the first refusal, if any, is thrown.
     *
     * @throws ServerRefusedException the first directory the server refused (gone meanwhile, say)
     */
    public synchronized List<List<Entry>> list(List<String> paths) throws IOException {
        List<List<Entry>> listings = new ArrayList<>(paths.size());
        ServerRefusedException first = null;
        int sent = 0;
        while (listings.size() < paths.size()) {
            while (sent < paths.size() && sent - listings.size() < LIST_WINDOW) {
                send(new ListRequest(paths.get(sent++)));
            }
            try {
                listings.add(listing(paths.get(listings.size())));
            } catch (ServerRefusedException e) {
                first = first == null ? e : first;
                listings.add(List.of());
            }
        }
        if (first != null) {
            throw first;
        }
        return listings;
    }

    /** The frames that answer one {@link ListRequest}, up to the last one. */
    private List<Entry> listing(String path) throws IOException {
        List<Entry> entries = new ArrayList<>();
        while (true) {
            Message answer = answer("the listing of " + path);
            if (!(answer instanceof Listing listing)) {
                throw new IOException("unexpected answer to ListRequest: " + answer);
            }
            entries.addAll(listing.entries());
            if (listing.last()) {
                return entries;
            }
        }
    }

    /** The entry at {@code path}, with its full path. */
    public synchronized EntryReply stat(String path) throws IOException {
        return expect(request(new StatRequest(path)), EntryReply.class, "StatRequest");
    }

    /**
     * Creates the directory {@code path}; with {@code parents}, also the missing directories above it, and an existing
     * directory is fine (like {@code mkdir -p}).
     *
     * @return the directory
     */
    public synchronized EntryReply mkdir(String path, boolean parents) throws IOException {
        return expect(request(new MkdirRequest(path, parents)), EntryReply.class, "MkdirRequest");
    }

    /**
     * Makes every directory of {@code paths} with its missing parents (each a {@code mkdir -p}), in order, pipelined:
     * up to {@value #MKDIR_WINDOW} requests are sent before their answers are read, so that a tree's hundred
     * directories cost no hundred round trips. Every answer is read; then the first refusal, if any, is thrown.
     *
     * @throws ServerRefusedException the first directory the server refused (a file in the way, say)
     */
    public synchronized void mkdirs(List<String> paths) throws IOException {
        ServerRefusedException first = null;
        int sent = 0;
        int answered = 0;
        while (answered < paths.size()) {
            while (sent < paths.size() && sent - answered < MKDIR_WINDOW) {
                send(new MkdirRequest(paths.get(sent++), true));
            }
            try {
                expect(answer("a pipelined mkdir"), EntryReply.class, "MkdirRequest");
            } catch (ServerRefusedException e) {
                first = first == null ? e : first;
            }
            answered++;
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Deletes the file or directory at {@code path}; a directory with entries only when {@code recursive}.
     *
     * @return how many entries went
     */
    public synchronized long remove(String path, boolean recursive) throws IOException {
        return expect(request(new RemoveRequest(path, recursive)), Done.class, "RemoveRequest").count();
    }

    /**
     * Moves or renames {@code source}: into {@code target} if that is a directory, else to {@code target}. Never
     * replaces anything ({@code ALREADY_EXISTS}).
     *
     * @return the entry at its new path
     */
    public synchronized EntryReply move(String source, String target) throws IOException {
        return expect(request(new MoveRequest(source, target)), EntryReply.class, "MoveRequest");
    }

    /**
     * Copies the file {@code source}, as {@link #move} places it; the server shares the content, so this is quick
     * whatever the size.
     *
     * @return the copy
     */
    public synchronized EntryReply copy(String source, String target) throws IOException {
        return expect(request(new CopyRequest(source, target)), EntryReply.class, "CopyRequest");
    }

    /** The logged-in user's usage, quota and the server's free space. */
    public synchronized UsageReply usage() throws IOException {
        return expect(request(new UsageRequest()), UsageReply.class, "UsageRequest");
    }

    private static <T extends Message> T expect(Message answer, Class<T> type, String request) throws IOException {
        if (!type.isInstance(answer)) {
            throw new IOException("unexpected answer to " + request + ": " + answer);
        }
        return type.cast(answer);
    }

    /** Sends {@code message} as a new request; returns its request id. */
    private int send(Message message) throws IOException {
        int id = nextRequestId++;
        send(id, message);
        return id;
    }

    /**
     * As {@link #send(Message)}, but kept until the writer's next write or flush: the pipelined transfers refill their
     * window half a window at a time, one write (and one wake-up of the server) for the run instead of one per request.
     */
    private void hold(Message message) throws IOException {
        writer.hold(new Frame(nextRequestId++, message));
    }

    /** Sends {@code message} under the id of the request it belongs to (a proof goes with its PutFile). */
    private void send(int id, Message message) throws IOException {
        writer.write(new Frame(id, message));
    }

    private Message request(Message message) throws IOException {
        send(message);
        return answer("a request");
    }

    /** The next answer, watched: a server that stays silent for the I/O timeout ends the session. */
    private Message answer(String during) throws IOException {
        watchdog.waiting();
        try {
            return readAnswer(reader, during);
        } catch (IOException e) {
            throw silenceOr(e, during);
        } finally {
            watchdog.idle();
        }
    }

    /**
     * The answer to a transfer request: the server going away before it answers interrupts the transfer (which may
     * be resumed) like a break in its content does, rather than failing like any request.
     */
    private Message transferAnswer(String during) throws IOException {
        try {
            return answer(during);
        } catch (ServerRefusedException | ProtocolException | TransferInterruptedException e) {
            throw e;
        } catch (IOException e) {
            close();
            throw new TransferInterruptedException(e.getMessage(), e);
        }
    }

    private IOException silenceOr(IOException e, String during) {
        if (watchdog.fired()) {
            return new TransferInterruptedException("no answer from the server for " + ioTimeout.toSeconds()
                    + " s during " + during + "; gave up", e);
        }
        return e;
    }

    /**
     * Downloads {@code remotePath} into {@code sink}, verified: the bytes are hashed as they arrive, and compared at
     * the end with the SHA-256 the server announced. The caller owns {@code sink}; on any failure, a mismatch
     * included, part or all of the content may have been written to it, and must not be taken for the file.
     *
     * @return what the server announced (the file's name, size and SHA-256)
     * @throws IntegrityException if the content does not hash to the announced SHA-256 (the session can go on)
     * @throws ServerRefusedException if the server refuses (no such file, bad path...)
     * @throws IncompatibleServerException if the server is older than protocol 1.2
     * @throws TransferInterruptedException if the content stops before its end (the session is then closed)
     */
    public synchronized FileInfo getFile(String remotePath, WritableByteChannel sink, TransferListener listener)
            throws IOException {
        requireVerifiedTransfers("download");
        send(new GetFile(remotePath, 0));
        FileInfo info = expect(transferAnswer("the download of " + remotePath), FileInfo.class, "GetFile");
        if (info.offset() != 0) {
            close(); // the content that follows is not what was asked for
            throw new IOException("the server answered a download from byte 0 with one from byte " + info.offset());
        }
        listener.started(info.name(), info.size(), 0);
        String received = receiveHashed(info.name(), info.size(), sink, listener, ContentHash.newDigest());
        if (!received.equals(info.sha256())) {
            throw new IntegrityException(remotePath, info.sha256(), received);
        }
        return info;
    }

    /**
     * Downloads {@code remotePath} into {@code partial}, resuming an earlier, interrupted download whose first bytes
     * {@code partial} holds (protocol 1.3's {@link GetFrom}; empty: from the start). {@code prefix} is a SHA-256 digest
     * fed with exactly the bytes {@code partial} holds ({@link ContentHash#digestOf}), and is left as it is. The server
     * compares that prefix's hash with its own file's first bytes and sends the rest if they agree, else the whole
     * file; the client appends only when the server's own prefix hash, in its {@link FilePart}, is the client's too,
     * and otherwise empties {@code partial} and takes the whole file. Either way the whole file is verified: the held
     * bytes through {@code prefix}, the rest hashed as it arrives, compared at the end with the SHA-256 the server
     * announced. On return {@code partial} holds the file, most of a big one already flushed to disk while it arrived
     * (the caller makes it durable and puts it in place); after a failure it holds whatever arrived, which an
     * interrupted download leaves as a prefix to resume from.
     *
     * @return the server's answer: the file's name, size and SHA-256, and the offset its content came from (0: the
     *     whole file came)
     * @throws IntegrityException if the file does not hash to the announced SHA-256 (the session can go on)
     * @throws ServerRefusedException if the server refuses (no such file, bad path...)
     * @throws IncompatibleServerException if the server is older than protocol 1.3 ({@link #resumesDownloads})
     * @throws TransferInterruptedException if the content stops before its end (the session is then closed)
     */
    public synchronized FilePart getFileFrom(String remotePath, FileChannel partial, MessageDigest prefix,
            TransferListener listener) throws IOException {
        if (!resumesDownloads()) {
            throw new IncompatibleServerException("the server speaks protocol " + welcome.major() + "."
                    + welcome.minor() + ", and a resumed download needs " + ProtocolVersion.MAJOR + "."
                    + TRANSFER_CONNECTIONS_MINOR + ": download from the start");
        }
        long held = partial.size();
        String heldSha256 = held == 0 ? "" : ContentHash.hex(ContentHash.copy(prefix).digest());
        send(new GetFrom(remotePath, held, heldSha256));
        FilePart part = expect(transferAnswer("the download of " + remotePath), FilePart.class, "GetFrom");
        MessageDigest digest;
        if (part.offset() == 0) {
            digest = ContentHash.newDigest();
        } else if (part.offset() != held) {
            close(); // the content that follows is not what was asked for
            throw new IOException("the server answered a download from byte " + held + " with one from byte "
                    + part.offset());
        } else if (part.prefixSha256().equals(heldSha256)) {
            digest = ContentHash.copy(prefix);
        } else {
            // the server takes the held bytes for its first ones, yet hashes them otherwise: trust neither, and
            // start over once the unusable rest has gone by
            receive(part.name(), part.remaining(), ContentSinks.into(DISCARD, bufferFor(part.remaining())),
                    TransferListener.NONE);
            cutTo(partial, 0);
            return getFileFrom(remotePath, partial, ContentHash.newDigest(), listener);
        }
        cutTo(partial, part.offset());
        listener.started(part.name(), part.size(), part.offset());
        String received;
        // flushed while it arrives, a big file leaves little to the caller's fsync
        WriteBehind flusher = part.remaining() >= WriteBehind.STEP ? new WriteBehind(partial) : null;
        try {
            received = receiveHashed(part.name(), part.remaining(), partial, listener, digest, flusher);
        } finally {
            if (flusher != null) {
                flusher.close();
            }
        }
        if (!received.equals(part.sha256())) {
            throw new IntegrityException(remotePath, part.sha256(), received);
        }
        return part;
    }

    /** Whether the server can resume a download ({@link #getFileFrom}, protocol 1.3); older ones send whole files. */
    public boolean resumesDownloads() {
        return welcome.minor() >= TRANSFER_CONNECTIONS_MINOR;
    }

    /**
     * Cuts {@code partial} to {@code length} bytes and puts its position there, for content that follows on the
     * connection: if that fails, the stream is out of step, and the session ends.
     */
    private void cutTo(FileChannel partial, long length) throws IOException {
        try {
            partial.truncate(length);
            partial.position(length);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * Downloads {@code remotePath} into {@code sink} with protocol 1.1's {@link GetRequest}, which carries no
     * SHA-256: nothing is verified. {@link #getFile} is the download to use; this one stays for talking to the
     * server the way a 1.1 client does (the integration tests do). The caller owns {@code sink}; on failure part of
     * the content may have been written to it.
     *
     * @return the header the server sent (the file's name and size)
     * @throws ServerRefusedException if the server refuses (no such file, bad path...)
     * @throws TransferInterruptedException if the content stops before its end (the session is then closed)
     */
    public synchronized FileHeader get(String remotePath, WritableByteChannel sink, TransferListener listener) throws IOException {
        FileHeader header = expect(request(new GetRequest(remotePath, 0)), FileHeader.class, "GetRequest");
        listener.started(header.name(), header.size(), header.offset());
        receive(header.name(), header.remaining(), ContentSinks.into(sink, bufferFor(header.remaining())), listener);
        return header;
    }

    /** The heap buffer that small downloads are received through, one after the other (this client is synchronized). */
    private ByteBuffer smallContentBuffer() {
        if (smallContent == null) {
            smallContent = ByteBuffer.allocate(ContentSinks.SMALL_BUFFER);
        }
        return smallContent;
    }

    /** A receiving buffer's size for {@code length} bytes of content: no bigger than they need. */
    private static int bufferFor(long length) {
        return (int) Math.clamp(length, 1, CONTENT_BUFFER);
    }

    /**
     * Reads {@code length} raw content bytes into {@code sink}, straight into the buffers it lends (a sink that hashes
     * beside the receiving loop, {@link ContentSinks#hashedBeside}, keeps a fast download fast).
     */
    private void receive(String name, long length, ContentSink sink, TransferListener listener) throws IOException {
        long left = length;
        watchdog.waiting();
        try {
            while (left > 0) {
                ByteBuffer buffer = sink.buffer();
                buffer.limit((int) Math.min(buffer.limit(), left));
                int n = reader.readBuffered(buffer);
                if (n == 0) {
                    n = channel.read(buffer);
                }
                if (n < 0) {
                    close();
                    throw new TransferInterruptedException("the server closed the connection after "
                            + (length - left) + " of " + length + " bytes of " + name);
                }
                watchdog.touch();
                sink.accept(buffer.flip());
                left -= n;
                listener.advanced(n);
            }
        } catch (TransferInterruptedException e) {
            throw e;
        } catch (IOException e) {
            close();
            if (watchdog.fired() || !channel.isOpen()) {
                throw new TransferInterruptedException("download of " + name + " stopped after "
                        + (length - left) + " of " + length + " bytes: "
                        + (watchdog.fired() ? "no data for " + ioTimeout.toSeconds() + " s" : e.getMessage()), e);
            }
            throw e;
        } finally {
            watchdog.idle();
        }
    }

    /**
     * Uploads {@code size} bytes of {@code source} as {@code remotePath}, verified end to end, resuming an earlier
     * upload of it that broke off if the server offers to: {@link #putFile(FileChannel, long, String, String, boolean,
     * TransferListener)} with {@code resume}, returning only the server's answer.
     */
    public PutStored putFile(FileChannel source, long size, String sha256, String remotePath,
            TransferListener listener) throws IOException {
        return putFile(source, size, sha256, remotePath, true, listener).stored();
    }

    /**
     * Uploads {@code size} bytes of {@code source} as {@code remotePath}, verified end to end: {@code sha256} is
     * their SHA-256 ({@link ContentHash#of}), and the server checks the content against it before the file becomes
     * visible. When the server already stores that content, it challenges the client to prove that it has the bytes
     * (SHA-256 of a random nonce and random ranges, read from {@code source} by position) instead of asking for
     * them, and the file is added at once ({@link PutStored#instant()}). Otherwise the content goes with
     * {@code FileChannel.transferTo} (sendfile), from the offset the server asks for, and {@code listener} hears it
     * (its {@code started} gets that offset); it hears nothing of an instant upload. The file is visible on the server
     * once this returns.
     *
     * <p>A server of protocol 1.3 or later that kept the beginning of an earlier upload of the same content to the
     * same path, which broke off, offers it ({@link PutResume}: how many bytes, and their SHA-256). With
     * {@code resume}, this client hashes its own first bytes as many (read by position) and, if they hash the same,
     * takes the offer ({@link ResumeFrom} with that offset and hash): only the rest is sent, and the server still
     * checks the whole content's SHA-256. Without {@code resume}, or when the bytes differ, it declines (offset 0) and
     * sends everything.
     *
     * @return what the server stored, whether the content had to be sent, and from which byte
     * @throws ServerRefusedException {@code TRANSFER_FAILED} when the content or the proof did not match
     *                                {@code sha256} (nothing is stored), or any refusal before or during the transfer
     *                                (bad path, no space...)
     * @throws IncompatibleServerException if the server is older than protocol 1.2
     * @throws TransferInterruptedException if the connection breaks during the content (the session is then closed)
     * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
     */
    public synchronized PutResult putFile(FileChannel source, long size, String sha256, String remotePath, boolean resume,
            TransferListener listener) throws IOException {
        if (!ContentHash.isSha256(sha256)) {
            throw new IllegalArgumentException("not a SHA-256 in lower-case hex: " + sha256);
        }
        requireVerifiedTransfers("upload");
        int id = send(new PutFile(remotePath, size, sha256));
        Message answer = transferAnswer("the upload of " + remotePath);
        if (answer instanceof ProveContent challenge) {
            ContentProof proof;
            try {
                proof = ContentHash.proof(source, size, challenge);
            } catch (IOException e) {
                close(); // the server waits for a proof that will not come
                throw e;
            }
            send(id, proof);
            answer = answer("the proof of " + remotePath);
            if (answer instanceof PutStored stored) {
                return new PutResult(stored, 0);
            }
        }
        Start ready = start(id, answer, source, size, resume, remotePath, "PutFile");
        PutStored stored = expect(sendContent(source, size, ready.offset(), remotePath, listener), PutStored.class,
                "the upload");
        return new PutResult(stored, ready.offset());
    }

    /**
     * Uploads {@code size} bytes of {@code source} as {@code remotePath}, verified end to end, reading the file once:
     * the content is hashed while it is sent ({@link ContentHash#beside}), and its SHA-256 follows it ({@link PutStream}
     * then {@link PutHash}, protocol 1.4), where {@link #putFile} must hash the whole file before it sends anything.
     * The server checks the content against that SHA-256 before the file becomes visible, and may offer to resume an
     * earlier streamed upload of the same size to the same path that broke off, as for {@code putFile}.
     *
     * <p>Empty, with nothing stored, when the server is older than 1.4, or answers {@link HashFirst}: content of this
     * size may be stored already (then only a {@code putFile} can be instant), or the file is small. The caller then
     * hashes the file and calls {@code putFile}, on this connection or a new one.
     *
     * @return what the server stored, and from which byte the content was sent; or empty, see above
     * @throws ServerRefusedException {@code TRANSFER_FAILED} when the content sent did not hash to what was read to
     *                                hash it (the file changed during the upload; nothing is stored), or any refusal
     *                                before or during the transfer (bad path, no space...)
     * @throws TransferInterruptedException if the connection breaks during the content (the session is then closed)
     */
    public synchronized Optional<PutResult> putStream(FileChannel source, long size, String remotePath,
            boolean resume, TransferListener listener) throws IOException {
        if (welcome.minor() < STREAMED_UPLOADS_MINOR) {
            return Optional.empty();
        }
        int id = send(new PutStream(remotePath, size));
        Message answer = transferAnswer("the upload of " + remotePath);
        if (answer instanceof HashFirst) {
            return Optional.empty();
        }
        Start ready = start(id, answer, source, size, resume, remotePath, "PutStream");
        MessageDigest digest = ready.held().orElseGet(ContentHash::newDigest);
        try (ContentHash.Beside hashing = ContentHash.beside(digest, source, ready.offset(), size)) {
            Message sent = sendContent(source, size, ready.offset(), remotePath, listener, () -> {
                String sha256;
                try {
                    sha256 = hashing.finish();
                } catch (IOException e) {
                    close(); // the server waits for the content's hash, which cannot be had
                    throw e;
                }
                send(id, new PutHash(sha256));
            });
            return Optional.of(new PutResult(expect(sent, PutStored.class, "the upload"), ready.offset()));
        }
    }

    /**
     * Where an upload's content starts: {@link PutReady}'s offset, and a digest of the bytes before it when it is
     * not 0.
     */
    private record Start(long offset, Optional<MessageDigest> held) {
    }

    /**
     * From the server's first answer to an upload ({@code request}, id {@code id}) to its {@link PutReady}: a
     * {@link PutResume} offer is answered first (its offset and this client's hash of its own first bytes as many,
     * if {@code resume} and they hash as the server's; else offset 0, start over). A PutReady from a byte that was
     * not agreed ends the session.
     */
    private Start start(int id, Message answer, FileChannel source, long size, boolean resume, String remotePath,
            String request) throws IOException {
        MessageDigest held = null;
        long agreed = 0;
        if (answer instanceof PutResume offer) {
            ResumeFrom decision;
            try {
                held = agreedPrefix(source, size, offer, resume);
                decision = held == null ? new ResumeFrom(0, "") : new ResumeFrom(offer.offset(), offer.prefixSha256());
            } catch (IOException e) {
                close(); // the server waits for an answer that will not come
                throw e;
            }
            agreed = decision.offset();
            send(id, decision);
            answer = answer("the resume of " + remotePath);
        }
        if (!(answer instanceof PutReady ready)) {
            throw new IOException("unexpected answer to " + request + ": " + answer);
        }
        if (ready.offset() != 0 && ready.offset() != agreed) {
            close(); // the server expects content from a byte this client never agreed to
            throw new IOException("the server asked for " + remotePath + " from byte " + ready.offset()
                    + ", which was not agreed");
        }
        return new Start(ready.offset(), ready.offset() == 0 ? Optional.empty() : Optional.of(held));
    }

    /**
     * A digest of this client's own first bytes as many as {@code offer} names, if {@code resume} and they hash as the
     * server's (the upload then goes on from there); else null (start over).
     */
    private static MessageDigest agreedPrefix(FileChannel source, long size, PutResume offer, boolean resume)
            throws IOException {
        if (resume && offer.offset() > 0 && offer.offset() <= size) {
            MessageDigest prefix = ContentHash.digestOf(source, offer.offset(), ContentHash.Progress.NONE);
            if (ContentHash.hex(ContentHash.copy(prefix).digest()).equals(offer.prefixSha256())) {
                return prefix;
            }
        }
        return null;
    }

    /**
     * Uploads {@code size} bytes of {@code source} as {@code remotePath} with protocol 1.1's {@link PutRequest},
     * which carries no SHA-256: nothing is verified. {@link #putFile} is the upload to use; this one stays for
     * talking to the server the way a 1.1 client does (the integration tests do). The content goes with
     * {@code FileChannel.transferTo} (sendfile). The file is visible on the server once this returns.
     *
     * @throws ServerRefusedException if the server refuses before or during the transfer (bad path, no space...)
     * @throws TransferInterruptedException if the connection breaks during the content (the session is then closed)
     */
    public synchronized PutDone put(FileChannel source, long size, String remotePath, TransferListener listener)
            throws IOException {
        PutReady ready = expect(request(new PutRequest(remotePath, size)), PutReady.class, "PutRequest");
        return expect(sendContent(source, size, ready.offset(), remotePath, listener), PutDone.class, "the upload");
    }

    /**
     * Sends bytes {@code offset} to {@code size - 1} of {@code source} raw, and returns the server's answer to them.
     * The server may answer early, refusing the rest (no space...): then sending stops there, and since the rest was
     * never sent the stream is out of step, so the session ends with the refusal.
     */
    private Message sendContent(FileChannel source, long size, long offset, String remotePath,
            TransferListener listener) throws IOException {
        return sendContent(source, size, offset, remotePath, listener, () -> {
        });
    }

    /** What follows a transfer's content once all of it was sent: nothing, or a streamed upload's {@link PutHash}. */
    @FunctionalInterface
    private interface ContentEnd {
        void sent() throws IOException;
    }

    /**
     * {@link #sendContent(FileChannel, long, long, String, TransferListener)}, then {@code end} once every byte was
     * sent (not after the server stopped the content early), before the answer is read.
     */
    private Message sendContent(FileChannel source, long size, long offset, String remotePath,
            TransferListener listener, ContentEnd end) throws IOException {
        if (offset > size) {
            close(); // the server expects content that does not exist
            throw new IOException("the server asked for " + remotePath + " from byte " + offset + " of " + size);
        }
        listener.started(remotePath, size, offset);
        long position = offset;
        watchdog.waiting();
        try {
            while (position < size) {
                long sent;
                try {
                    sent = source.transferTo(position, Math.min(size - position, UPLOAD_CHUNK), channel);
                } catch (IOException e) {
                    close();
                    throw new TransferInterruptedException("upload to " + remotePath + " stopped after " + position
                            + " of " + size + " bytes: " + (watchdog.fired() ? "no progress for "
                            + ioTimeout.toSeconds() + " s" : e.getMessage()), e);
                }
                if (sent <= 0) {
                    close();
                    throw new IOException("the local file shrank to " + position + " bytes during the upload");
                }
                watchdog.touch();
                position += sent;
                listener.advanced(sent);
                if (serverHasSpoken()) {
                    break; // an early answer: the server refused the rest (no space, ...)
                }
            }
        } finally {
            watchdog.idle();
        }
        if (position == size) {
            end.sent();
        }
        try {
            return answer("the upload of " + remotePath);
        } catch (ServerRefusedException e) {
            if (position < size) {
                close(); // the rest of the content was never sent: the stream is out of step
            }
            throw e;
        }
    }

    /** Refuses, saying so, what a server older than 1.{@code minor} cannot do: "{@code whatNeeds} 1.minor". */
    private void requireMinor(int minor, String whatNeeds) throws IncompatibleServerException {
        if (welcome.minor() < minor) {
            throw new IncompatibleServerException("the server speaks protocol " + welcome.major() + "."
                    + welcome.minor() + ", and " + whatNeeds + " " + ProtocolVersion.MAJOR + "." + minor
                    + ": upgrade the server");
        }
    }

    /** What happens to each file of {@link #putInline}, in order, on the calling thread. */
    public interface InlineAnswers {
        /** The {@code index}-th file is stored. */
        void stored(int index, PutStored stored) throws IOException;

        /** The server refused the {@code index}-th file; nothing of it was stored. The others go on. */
        void refused(int index, ServerRefusedException refusal) throws IOException;
    }

    /**
     * Uploads small files whose contents travel in their frames ({@link PutInline}, at most
     * {@link PutInline#MAX_CONTENT} bytes each), pipelined: up to {@code window} requests are in flight, so that many
     * files cost no round trip each, sent half a window at a time in one write once half of them are answered.
     * Answers come in order; a refusal of one file does not stop the others.
     *
     * @param files  the uploads, taken one by one as the window allows (so they may be read lazily)
     * @throws IncompatibleServerException if the server is older than protocol 1.3
     * @throws IOException if the connection breaks; the files answered so far were told to {@code answers}
     */
    public synchronized void putInline(Iterator<PutInline> files, int window, InlineAnswers answers) throws IOException {
        requireMinor(TRANSFER_CONNECTIONS_MINOR, "pipelined uploads need");
        ArrayDeque<Long> sizes = new ArrayDeque<>();
        long inFlightBytes = 0;
        int index = 0;
        while (files.hasNext() || !sizes.isEmpty()) {
            if (files.hasNext() && sizes.size() <= window / 2 && inFlightBytes <= PIPELINE_BYTES / 2) {
                while (files.hasNext() && sizes.size() < window && inFlightBytes < PIPELINE_BYTES) {
                    PutInline put = files.next();
                    hold(put);
                    long bytes = put.content().length + put.path().length() * 3L + 80;
                    sizes.add(bytes);
                    inFlightBytes += bytes;
                }
                writer.flush();
            }
            inFlightBytes -= sizes.remove();
            try {
                answers.stored(index, expect(answer("a pipelined upload"), PutStored.class, "PutInline"));
            } catch (ServerRefusedException e) {
                answers.refused(index, e);
            }
            index++;
        }
    }

    /** Where each download of {@link #getFiles} goes, and what became of it; on the calling thread. */
    public interface DownloadSinks {
        /** The {@code index}-th file's content is coming: where should it go? */
        WritableByteChannel open(int index, FileInfo info) throws IOException;

        /** All of it went into the channel that {@link #open} gave, and its SHA-256 matched. */
        void completed(int index, FileInfo info) throws IOException;

        /** The server refused the {@code index}-th file (or its content did not match its hash); the others go on. */
        void failed(int index, IOException failure) throws IOException;
    }

    /**
     * Downloads files with pipelined {@link GetFile} requests: up to {@code window} in flight, sent half a window at a
     * time in one write; each answer is a {@link FileInfo} and the content, hashed and checked as {@link #getFile}
     * does.
     *
     * @throws IOException if the connection breaks (the session is then closed); files told to {@code sinks} so far
     *     are done
     */
    public synchronized void getFiles(Iterator<String> paths, int window, DownloadSinks sinks, TransferListener listener)
            throws IOException {
        requireVerifiedTransfers("download");
        int sent = 0;
        int index = 0;
        while (paths.hasNext() || index < sent) {
            if (paths.hasNext() && sent - index <= window / 2) {
                while (paths.hasNext() && sent - index < window) {
                    hold(new GetFile(paths.next(), 0));
                    sent++;
                }
                writer.flush();
            }
            FileInfo info;
            try {
                info = expect(answer("a pipelined download"), FileInfo.class, "GetFile");
            } catch (ServerRefusedException e) {
                sinks.failed(index++, e);
                continue;
            }
            if (info.offset() != 0) {
                close();
                throw new IOException("the server answered a download from byte 0 with one from byte " + info.offset());
            }
            WritableByteChannel sink = sinks.open(index, info);
            listener.started(info.name(), info.size(), 0);
            String received = receiveHashed(info.name(), info.size(), sink, listener, ContentHash.newDigest());
            if (received.equals(info.sha256())) {
                sinks.completed(index, info);
            } else {
                sinks.failed(index, new IntegrityException(info.name(), info.sha256(), received));
            }
            index++;
        }
    }

    /**
     * Receives {@code size} bytes of content into {@code sink}, feeding {@code digest} (which may hold a prefix
     * already), and returns the digest in hex: on the receiving thread for less than {@link #BACKGROUND_HASHING_FROM}
     * bytes, where a thread and buffers of its own would cost more than the hashing, else beside it, from the buffers
     * the content was read into. {@code flusher}, if any, flushes {@code sink} behind the writes.
     */
    private String receiveHashed(String name, long size, WritableByteChannel sink, TransferListener listener,
            MessageDigest digest, WriteBehind flusher) throws IOException {
        if (size < BACKGROUND_HASHING_FROM) {
            receive(name, size, size <= ContentSinks.SMALL_BUFFER
                    ? ContentSinks.hashedInline(sink, digest, smallContentBuffer())
                    : ContentSinks.hashedInline(sink, digest, bufferFor(size)), listener);
            return ContentHash.hex(digest.digest());
        }
        try (BackgroundDigest background = new BackgroundDigest(digest)) {
            ContentSink hashed = ContentSinks.hashedBeside(sink, background);
            receive(name, size, flusher == null ? hashed : ContentSinks.flushedBehind(hashed, flusher), listener);
            return ContentHash.hex(background.finish());
        }
    }

    private String receiveHashed(String name, long size, WritableByteChannel sink, TransferListener listener,
            MessageDigest digest) throws IOException {
        return receiveHashed(name, size, sink, listener, digest, null);
    }

    /** Versions before 1.2 know neither {@link PutFile} nor {@link GetFile}; saying so beats their UNSUPPORTED. */
    private void requireVerifiedTransfers(String what) throws IncompatibleServerException {
        requireMinor(VERIFIED_TRANSFERS_MINOR, "a verified " + what + " needs");
    }

    /** Whether an answer is already waiting, without blocking. */
    private boolean serverHasSpoken() throws IOException {
        return reader.buffered() > 0 || channel.socket().getInputStream().available() > 0;
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // the watchdog's last resort: nothing more to do
        }
    }

    private static Message readAnswer(FrameReader reader, String during) throws IOException {
        Frame frame;
        try {
            frame = reader.read();
        } catch (EOFException e) {
            throw new IOException("the server closed the connection in the middle of " + during, e);
        }
        if (frame == null) {
            throw new IOException("the server closed the connection during " + during);
        }
        if (frame.message() instanceof ErrorReply error) {
            throw new ServerRefusedException(error);
        }
        return frame.message();
    }

    @Override
    public void close() throws IOException {
        watchdog.close();
        channel.close();
    }
}
