package netdisk.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import netdisk.protocol.ContentProof;
import netdisk.protocol.CopyRequest;
import netdisk.protocol.Done;
import netdisk.protocol.Entry;
import netdisk.protocol.EntryReply;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileHeader;
import netdisk.protocol.FileInfo;
import netdisk.protocol.FilePart;
import netdisk.protocol.Frame;
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
import netdisk.protocol.Ping;
import netdisk.protocol.Pong;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.PutInline;
import netdisk.protocol.Ticket;
import netdisk.protocol.TicketRequest;
import netdisk.protocol.ProveContent;
import netdisk.protocol.PutDone;
import netdisk.protocol.PutFile;
import netdisk.protocol.PutHash;
import netdisk.protocol.PutReady;
import netdisk.protocol.PutRequest;
import netdisk.protocol.PutResume;
import netdisk.protocol.PutStored;
import netdisk.protocol.PutStream;
import netdisk.protocol.Register;
import netdisk.protocol.RemoveRequest;
import netdisk.protocol.ResumeFrom;
import netdisk.protocol.StatRequest;
import netdisk.protocol.UsageReply;
import netdisk.protocol.UsageRequest;
import netdisk.protocol.Welcome;

/**
 * A netdisk server in one test JVM, speaking protocol 1.2 and 1.3 (resumed uploads and downloads, tickets, inline
 * uploads) over loopback with an in-memory tree per user, so that the client's commands and shell can be tested end
 * to end before (and independently of) the real server. It follows the protocol's rules as the protocol module
 * documents them: logins, {@code AUTH_REQUIRED}, {@code .} and {@code ..} refused, a put's directory must exist,
 * mv/cp into an existing directory and never over an entry, listings split over several frames
 * ({@link #entriesPerFrame}); a {@link PutFile} is checked against its SHA-256, and content that any user already
 * stores is challenged for a proof ({@link ProveContent}) instead of received. Knobs make it misbehave the ways the
 * client must cope with: damaged content either way, the stored content going away during a proof, an older protocol
 * version, downloads cut off, resumes refused or answered with a wrong prefix hash. {@link #keeps} makes it hold the
 * beginning of an upload that broke off, offered to the next upload of that path as protocol 1.3 says
 * ({@code PutResume}).
 */
public final class FakeServer implements AutoCloseable {

    /** Content of a file and its SHA-256 (hashed once), or {@code null}s for a directory. */
    private record Node(byte[] content, String sha256, long modified) {
        static Node file(byte[] content, long modified) {
            return new Node(content, FakeServer.sha256(content), modified);
        }

        static Node directory(long modified) {
            return new Node(null, null, modified);
        }

        boolean isDirectory() {
            return content == null;
        }
    }

    private final ServerSocketChannel listener;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> tickets = new ConcurrentHashMap<>();
    private final Map<String, TreeMap<String, Node>> trees = new HashMap<>();
    private final List<SocketChannel> connections = new ArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private volatile boolean registrationOpen;
    private volatile int entriesPerFrame = 2;
    private volatile long pauseMillisPerChunk;
    private volatile long quota = UsageReply.NO_QUOTA;
    private volatile int minor = ProtocolVersion.MINOR;
    private volatile List<ProveContent.Range> proofRanges;
    private volatile boolean contentGoesAwayDuringProofs;
    private volatile boolean damageDownloads;
    private volatile boolean damageUploads;
    private volatile boolean resumesNothing;
    private volatile boolean refusesGetFrom;
    private volatile boolean wrongPrefixHashes;
    private volatile boolean hashFirst;
    private final AtomicInteger streamed = new AtomicInteger();
    private volatile long cutDownloadsAt = -1;
    private final AtomicReference<Runnable> beforeTicket = new AtomicReference<>();
    private final List<Long> resumedFrom = new CopyOnWriteArrayList<>();
    private final AtomicInteger contentReceived = new AtomicInteger();
    /** The kept beginnings of broken-off uploads, by user and path. */
    private final Map<String, byte[]> kept = new ConcurrentHashMap<>();
    private final List<ResumeFrom> resumeAnswers = new CopyOnWriteArrayList<>();
    private final AtomicLong contentBytesReceived = new AtomicLong();

    private FakeServer(ServerSocketChannel listener) {
        this.listener = listener;
        Thread.ofPlatform().daemon().name("fake-server").start(this::accept);
    }

    /** Listens on a free loopback port. */
    public static FakeServer start() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        return new FakeServer(listener);
    }

    public int port() {
        return ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort();
    }

    /** Adds an account (what {@code netdisk-server user add} does on the real server). */
    public FakeServer addUser(String user, String password) {
        passwords.put(user, password);
        synchronized (trees) {
            trees.computeIfAbsent(user, u -> newTree());
        }
        return this;
    }

    public FakeServer registrationOpen(boolean open) {
        registrationOpen = open;
        return this;
    }

    /** How many entries go in one Listing frame. */
    public FakeServer entriesPerFrame(int count) {
        entriesPerFrame = count;
        return this;
    }

    /** Sleeps this long after each 64 KiB of transfer content, in both directions: for cancelling mid-transfer. */
    public FakeServer slowTransfers(long pauseMillis) {
        pauseMillisPerChunk = pauseMillis;
        return this;
    }

    /** Runs {@code hook} on the server's thread before it answers the next TicketRequest, once. */
    public FakeServer beforeNextTicket(Runnable hook) {
        beforeTicket.set(hook);
        return this;
    }

    public FakeServer quota(long bytes) {
        quota = bytes;
        return this;
    }

    /** Announces this minor version in the Welcome, and refuses the messages added after it as UNSUPPORTED. */
    public FakeServer speaksMinor(int version) {
        minor = version;
        return this;
    }

    /** Challenges proofs of possession with these ranges instead of random ones. */
    public FakeServer proofRanges(ProveContent.Range... ranges) {
        proofRanges = List.of(ranges);
        return this;
    }

    /** After a right proof, answers PutReady: as if the stored content had been deleted meanwhile. */
    public FakeServer contentGoesAwayDuringProofs(boolean away) {
        contentGoesAwayDuringProofs = away;
        return this;
    }

    /** Flips a bit of the first byte of every download's content sent (not of what the FileInfo announces). */
    public FakeServer damageDownloads(boolean damage) {
        damageDownloads = damage;
        return this;
    }

    /** Answers GetFrom UNSUPPORTED whatever minor version it announces. */
    public FakeServer refusesGetFrom(boolean refuses) {
        refusesGetFrom = refuses;
        return this;
    }

    /** Answers every GetFrom from byte 0, as for a part that is not a prefix of the file. */
    public FakeServer resumesNothing(boolean nothing) {
        resumesNothing = nothing;
        return this;
    }

    /** Answers a GetFrom within the file from the offset asked for, with a prefix hash that is not the client's. */
    public FakeServer wrongPrefixHashes(boolean wrong) {
        wrongPrefixHashes = wrong;
        return this;
    }

    /** Closes the connection when a download's content reaches this byte of the file; -1 (the default): never. */
    public FakeServer cutDownloadsAt(long position) {
        cutDownloadsAt = position;
        return this;
    }

    /** The offset each GetFrom was answered from, in order. */
    public List<Long> resumedFrom() {
        return List.copyOf(resumedFrom);
    }

    /** Flips a bit of the first byte of every upload's content as it arrives, before checking it. */
    public FakeServer damageUploads(boolean damage) {
        damageUploads = damage;
        return this;
    }

    /**
     * As if an upload of {@code path} by {@code user} had broken off after {@code prefix}: the next {@code PutFile} of
     * that path (whatever its size and hash, unlike the real server) is offered them with a {@code PutResume}.
     */
    public FakeServer keeps(String user, String path, byte[] prefix) {
        kept.put(user + ":" + normalize(path), prefix.clone());
        return this;
    }

    /** Answers every PutStream {@code HashFirst}, as the real server does when a stored file has its size. */
    public FakeServer hashFirst(boolean always) {
        hashFirst = always;
        return this;
    }

    /** How many uploads came streamed (PutStream, their SHA-256 after their content) and were stored. */
    public int streamedUploads() {
        return streamed.get();
    }

    /** The ResumeFrom answers that clients sent, in order. */
    public List<ResumeFrom> resumeAnswers() {
        return List.copyOf(resumeAnswers);
    }

    /** Bytes of upload content received, all uploads together. */
    public long contentBytesReceived() {
        return contentBytesReceived.get();
    }

    /** How many uploads sent their content (an instant upload sends none). */
    public int contentReceived() {
        return contentReceived.get();
    }

    /** Revokes every token, as an expiry or a logout elsewhere would. */
    public void revokeTokens() {
        tokens.clear();
    }

    /** Successful logins so far, by password or token. */
    public int logins() {
        return logins.get();
    }

    /** A file's content as stored, or {@code null}. */
    public byte[] content(String user, String path) {
        synchronized (trees) {
            Node node = trees.get(user).get(normalize(path));
            return node == null ? null : node.content();
        }
    }

    /** Whether anything is at {@code path} in {@code user}'s tree. */
    public boolean exists(String user, String path) {
        synchronized (trees) {
            return trees.get(user).containsKey(normalize(path));
        }
    }

    /** Puts a file straight into a user's tree (its directory must exist). */
    public void file(String user, String path, byte[] content) {
        synchronized (trees) {
            trees.get(user).put(normalize(path), Node.file(content, System.currentTimeMillis()));
        }
    }

    /** Makes a directory straight in a user's tree. */
    public void directory(String user, String path) {
        synchronized (trees) {
            trees.get(user).put(normalize(path), Node.directory(System.currentTimeMillis()));
        }
    }

    private static TreeMap<String, Node> newTree() {
        var tree = new TreeMap<String, Node>();
        tree.put("/", Node.directory(0));
        return tree;
    }

    private static String normalize(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    private void accept() {
        while (listener.isOpen()) {
            try {
                SocketChannel channel = listener.accept();
                synchronized (connections) {
                    connections.add(channel);
                }
                Thread.ofVirtual().start(() -> serve(channel));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            var reader = new FrameReader(channel);
            var writer = new FrameWriter(channel);
            Frame hello = reader.read();
            if (hello == null || !(hello.message() instanceof Hello)) {
                return;
            }
            writer.write(new Frame(hello.requestId(), new Welcome(ProtocolVersion.MAJOR, minor,
                    "netdisk-server/fake", 0, ProcessHandle.current().pid())));
            new Session(channel, reader, writer).run();
        } catch (IOException e) {
            // the client went away
        }
    }

    private final class Session {
        private final SocketChannel channel;
        private final FrameReader reader;
        private final FrameWriter writer;
        private String user;
        private String token;

        Session(SocketChannel channel, FrameReader reader, FrameWriter writer) {
            this.channel = channel;
            this.reader = reader;
            this.writer = writer;
        }

        void run() throws IOException {
            Frame frame;
            while ((frame = reader.read()) != null) {
                int id = frame.requestId();
                try {
                    handle(id, frame.message());
                } catch (Refusal r) {
                    writer.write(new Frame(id, ErrorReply.of(r.code, r.getMessage())));
                }
            }
        }

        private void handle(int id, Message message) throws IOException, Refusal {
            switch (message) {
                case Ping ping -> reply(id, new Pong(ping.token()));
                case Login login -> login(id, login);
                case Register register -> register(id, register);
                default -> {
                    if (user == null) {
                        throw new Refusal(ErrorCode.AUTH_REQUIRED, "log in first");
                    }
                    switch (message) {
                        case GetRequest get -> get(id, get.path(), false);
                        case PutRequest put -> put(id, put);
                        case GetFile get when minor >= 2 -> get(id, get.path(), true);
                        case PutFile put when minor >= 2 -> putFile(id, put);
                        case TicketRequest t when minor >= 3 -> {
                            Runnable hook = beforeTicket.getAndSet(null);
                            if (hook != null) {
                                hook.run();
                            }
                            String ticket = "fake-ticket-" + UUID.randomUUID();
                            tickets.put(ticket, user);
                            reply(id, new Ticket(ticket, System.currentTimeMillis() + 300_000));
                        }
                        case PutInline put when minor >= 3 -> putInline(id, put);
                        case PutStream put when minor >= 4 -> putStream(id, put);
                        case GetFrom get when minor >= 3 && !refusesGetFrom -> getFrom(id, get);
                        default -> {
                            synchronized (trees) {
                                handleTree(id, message, trees.get(user));
                            }
                        }
                    }
                }
            }
        }

        private void login(int id, Login login) throws IOException, Refusal {
            boolean ok = switch (login.method()) {
                case Login.PASSWORD -> login.secret().equals(passwords.get(login.user()));
                case Login.TICKET -> minor >= 3 && login.user().equals(tickets.get(login.secret()));
                default -> login.user().equals(tokens.get(login.secret()));
            };
            if (!ok) {
                throw new Refusal(ErrorCode.LOGIN_FAILED, "wrong user name or " + (login.method() == Login.PASSWORD
                        ? "password" : "token"));
            }
            if (login.method() == Login.TICKET) { // a transfer connection: no token, not counted as a session login
                user = login.user();
                reply(id, new LoginOk(login.user(), "", System.currentTimeMillis() + 300_000));
                return;
            }
            loggedIn(id, login.user(), login.method() == Login.TOKEN ? login.secret() : null);
        }

        private void register(int id, Register register) throws IOException, Refusal {
            if (!registrationOpen) {
                throw new Refusal(ErrorCode.REGISTRATION_CLOSED, "self-registration is off on this server");
            }
            if (passwords.putIfAbsent(register.user(), register.password()) != null) {
                throw new Refusal(ErrorCode.ALREADY_EXISTS, "the user " + register.user() + " exists");
            }
            synchronized (trees) {
                trees.computeIfAbsent(register.user(), u -> newTree());
            }
            loggedIn(id, register.user(), null);
        }

        private void loggedIn(int id, String name, String existingToken) throws IOException {
            user = name;
            token = existingToken != null ? existingToken : UUID.randomUUID().toString();
            tokens.put(token, name);
            logins.incrementAndGet();
            reply(id, new LoginOk(name, token, System.currentTimeMillis() + 86_400_000L));
        }

        private void handleTree(int id, Message message, TreeMap<String, Node> tree) throws IOException, Refusal {
            switch (message) {
                case Logout l -> {
                    boolean revoked = token != null && tokens.remove(token) != null;
                    user = null;
                    token = null;
                    reply(id, new Done(revoked ? 1 : 0));
                }
                case ListRequest list -> list(id, tree, path(list.path()));
                case StatRequest stat -> {
                    String path = path(stat.path());
                    reply(id, new EntryReply(path, entry(path, existing(tree, path))));
                }
                case MkdirRequest mkdir -> {
                    String path = path(mkdir.path());
                    mkdir(tree, path, mkdir.parents());
                    reply(id, new EntryReply(path, entry(path, tree.get(path))));
                }
                case RemoveRequest remove -> reply(id, new Done(remove(tree, path(remove.path()), remove.recursive())));
                case MoveRequest move -> reply(id, transfer(tree, path(move.source()), path(move.target()), true));
                case CopyRequest copy -> reply(id, transfer(tree, path(copy.source()), path(copy.target()), false));
                case UsageRequest u -> {
                    long used = 0;
                    long files = 0;
                    for (Node node : tree.values()) {
                        if (!node.isDirectory()) {
                            used += node.content().length;
                            files++;
                        }
                    }
                    reply(id, new UsageReply(used, files, quota, 1L << 40));
                }
                default -> throw new Refusal(ErrorCode.UNSUPPORTED, "not accepted: " + message.type());
            }
        }

        private void list(int id, TreeMap<String, Node> tree, String path) throws IOException, Refusal {
            Node node = existing(tree, path);
            List<Entry> entries = new ArrayList<>();
            if (node.isDirectory()) {
                String prefix = path.equals("/") ? "/" : path + "/";
                for (var e : tree.tailMap(prefix, false).entrySet()) {
                    if (!e.getKey().startsWith(prefix)) {
                        break;
                    }
                    if (e.getKey().indexOf('/', prefix.length()) < 0) {
                        entries.add(entry(e.getKey(), e.getValue()));
                    }
                }
            } else {
                entries.add(entry(path, node));
            }
            int step = Math.max(1, entriesPerFrame);
            for (int from = 0; ; from += step) {
                int to = Math.min(entries.size(), from + step);
                reply(id, new Listing(to == entries.size(), entries.subList(from, to)));
                if (to == entries.size()) {
                    return;
                }
            }
        }

        private void mkdir(TreeMap<String, Node> tree, String path, boolean parents) throws Refusal {
            Node existing = tree.get(path);
            if (existing != null) {
                if (parents && existing.isDirectory()) {
                    return;
                }
                throw new Refusal(ErrorCode.ALREADY_EXISTS, path + " exists");
            }
            String parent = parentOf(path);
            if (!tree.containsKey(parent) && parents) {
                mkdir(tree, parent, true);
            }
            directoryAt(tree, parent);
            tree.put(path, Node.directory(System.currentTimeMillis()));
        }

        private long remove(TreeMap<String, Node> tree, String path, boolean recursive) throws Refusal {
            if (path.equals("/")) {
                throw new Refusal(ErrorCode.INVALID_OPERATION, "the root cannot be removed");
            }
            existing(tree, path);
            var below = new ArrayList<>(tree.subMap(path + "/", path + "0").keySet());
            if (!below.isEmpty() && !recursive) {
                throw new Refusal(ErrorCode.NOT_EMPTY, path + " is not empty");
            }
            below.forEach(tree::remove);
            tree.remove(path);
            return below.size() + 1L;
        }

        private EntryReply transfer(TreeMap<String, Node> tree, String source, String target, boolean move)
                throws Refusal {
            Node node = existing(tree, source);
            if (!move && node.isDirectory()) {
                throw new Refusal(ErrorCode.IS_A_DIRECTORY, source + " is a directory");
            }
            Node at = tree.get(target);
            String destination = at != null && at.isDirectory()
                    ? (target.equals("/") ? "" : target) + "/" + source.substring(source.lastIndexOf('/') + 1)
                    : target;
            if (tree.containsKey(destination)) {
                throw new Refusal(ErrorCode.ALREADY_EXISTS, destination + " exists");
            }
            if (move && (source.equals("/") || destination.startsWith(source + "/"))) {
                throw new Refusal(ErrorCode.INVALID_OPERATION, "cannot move " + source + " into itself");
            }
            directoryAt(tree, parentOf(destination));
            if (move) {
                for (String key : new ArrayList<>(tree.subMap(source + "/", source + "0").keySet())) {
                    tree.put(destination + key.substring(source.length()), tree.remove(key));
                }
                tree.remove(source);
            }
            tree.put(destination, node);
            return new EntryReply(destination, entry(destination, node));
        }

        private void get(int id, String rawPath, boolean verified) throws IOException, Refusal {
            String path = path(rawPath);
            Node node = downloadable(path);
            byte[] content = node.content();
            String name = path.substring(path.lastIndexOf('/') + 1);
            reply(id, verified ? new FileInfo(name, content.length, 0, node.sha256())
                    : new FileHeader(name, content.length, 0));
            sendContent(content, 0);
        }

        /** As the protocol says (1.3): the rest if the client's prefix hash is right, else all; unless a knob says. */
        private void getFrom(int id, GetFrom get) throws IOException, Refusal {
            String path = path(get.path());
            Node node = downloadable(path);
            byte[] content = node.content();
            long offset = 0;
            String prefix = "";
            if (!resumesNothing && get.offset() > 0 && get.offset() <= content.length) {
                String ours = sha256(Arrays.copyOf(content, (int) get.offset()));
                if (ours.equals(get.prefixSha256()) || wrongPrefixHashes) {
                    offset = get.offset();
                    prefix = wrongPrefixHashes ? sha256(new byte[] {42}) : ours;
                }
            }
            resumedFrom.add(offset);
            reply(id, new FilePart(path.substring(path.lastIndexOf('/') + 1), content.length, offset, node.sha256(),
                    prefix));
            sendContent(content, (int) offset);
        }

        private Node downloadable(String path) throws Refusal {
            synchronized (trees) {
                Node node = existing(trees.get(user), path);
                if (node.isDirectory()) {
                    throw new Refusal(ErrorCode.IS_A_DIRECTORY, path + " is a directory");
                }
                return node;
            }
        }

        /** Bytes {@code from} to the end of {@code content}, damaged, slowed or cut as the knobs say. */
        private void sendContent(byte[] content, int from) throws IOException {
            if (damageDownloads && content.length > from) {
                content = content.clone();
                content[from] ^= 1;
            }
            long cut = cutDownloadsAt;
            for (int position = from; position < content.length; position += 1 << 16) {
                int length = Math.min(1 << 16, content.length - position);
                if (cut >= 0 && position + length > cut) {
                    length = (int) Math.max(0, cut - position);
                }
                ByteBuffer chunk = ByteBuffer.wrap(content, position, length);
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
                if (cut >= 0 && position + length >= cut) {
                    channel.close(); // as a server that dies mid-transfer
                    throw new IOException("cut at byte " + cut);
                }
                pause();
            }
        }

        private void put(int id, PutRequest put) throws IOException, Refusal {
            String path = uploadTarget(put.path());
            reply(id, new PutReady(0));
            byte[] content = receive(put.size());
            store(path, Node.file(content, System.currentTimeMillis()));
            reply(id, new PutDone(put.size()));
        }

        /** As the protocol says: proof when the content is stored (by anyone), else the content, checked. */
        private void putFile(int id, PutFile put) throws IOException, Refusal {
            String path = uploadTarget(put.path());
            Node stored = stored(put.sha256(), put.size());
            if (stored != null) {
                ProveContent challenge = challenge(stored.content().length);
                reply(id, challenge);
                Frame answer = reader.read();
                if (answer == null) {
                    throw new IOException("the client went away instead of proving");
                }
                if (!(answer.message() instanceof ContentProof proof)) {
                    throw new Refusal(ErrorCode.PROTOCOL_ERROR, "a ContentProof was due, not " + answer.message());
                }
                if (!proof.hashes().equals(expectedProof(challenge, stored.content()))) {
                    throw new Refusal(ErrorCode.TRANSFER_FAILED, "the proof of the content of " + path
                            + " is wrong");
                }
                if (!contentGoesAwayDuringProofs) {
                    store(path, new Node(stored.content(), stored.sha256(), System.currentTimeMillis()));
                    reply(id, new PutStored(put.size(), put.sha256(), true));
                    return;
                }
            }
            byte[] resumed = resume(id, path);
            reply(id, new PutReady(resumed.length));
            byte[] rest = receive(put.size() - resumed.length);
            Node file = checked(path, resumed, rest, put.sha256(), "the announced");
            store(path, file);
            reply(id, new PutStored(file.content().length, file.sha256(), false));
        }

        /**
         * An upload's content, what was kept of it and the rest, damaged first if told to: a file, if it hashes to
         * {@code sha256} ({@code which} one: the announced, or the one after it).
         */
        private Node checked(String path, byte[] resumed, byte[] rest, String sha256, String which) throws Refusal {
            byte[] content = new byte[resumed.length + rest.length];
            System.arraycopy(resumed, 0, content, 0, resumed.length);
            System.arraycopy(rest, 0, content, resumed.length, rest.length);
            if (damageUploads && content.length > 0) {
                content[0] ^= 1;
            }
            Node file = Node.file(content, System.currentTimeMillis());
            if (!file.sha256().equals(sha256)) {
                throw new Refusal(ErrorCode.TRANSFER_FAILED, path + ": the content's SHA-256 is " + file.sha256()
                        + ", not " + which + " " + sha256 + "; nothing stored");
            }
            return file;
        }

        /**
         * A streamed upload (1.4), as the real server takes it: {@code HashFirst} under 1 MiB, when a stored file has
         * its size or when told to; else the content (after what was kept of it, if anything), then its PutHash.
         */
        private void putStream(int id, PutStream put) throws IOException, Refusal {
            String path = uploadTarget(put.path());
            if (put.size() < (1 << 20) || hashFirst || storedSize(put.size())) {
                reply(id, new HashFirst());
                return;
            }
            byte[] resumed = resume(id, path);
            reply(id, new PutReady(resumed.length));
            byte[] rest = receive(put.size() - resumed.length);
            Frame trailer = reader.read();
            if (trailer == null || !(trailer.message() instanceof PutHash hash) || trailer.requestId() != id) {
                throw new IOException("a PutHash was due for request " + id + ", not " + trailer);
            }
            Node file = checked(path, resumed, rest, hash.sha256(), "the one sent after it,");
            store(path, file);
            streamed.incrementAndGet();
            reply(id, new PutStored(file.content().length, file.sha256(), false));
        }

        /** A small file with its content in the frame (1.3): checked, stored, answered; no proof needed. */
        private void putInline(int id, PutInline put) throws IOException, Refusal {
            String path = uploadTarget(put.path());
            byte[] content = put.content().clone();
            if (damageUploads && content.length > 0) {
                content[0] ^= 1;
            }
            Node file = Node.file(content, System.currentTimeMillis());
            if (!file.sha256().equals(put.sha256())) {
                throw new Refusal(ErrorCode.TRANSFER_FAILED, path + ": the content's SHA-256 is " + file.sha256()
                        + ", not the announced " + put.sha256() + "; nothing stored");
            }
            boolean instant = stored(put.sha256(), content.length) != null;
            store(path, file);
            reply(id, new PutStored(content.length, file.sha256(), instant));
        }

        /**
         * Offers what is kept of {@code path}'s upload, if anything (protocol 1.3): the bytes resumed after, or none.
         * An answer that is not a ResumeFrom for the same request ends the session, as on the real server.
         */
        private byte[] resume(int id, String path) throws IOException {
            byte[] prefix = kept.remove(user + ":" + path);
            if (prefix == null || minor < 3) {
                return new byte[0];
            }
            String prefixSha256 = FakeServer.sha256(prefix);
            reply(id, new PutResume(prefix.length, prefixSha256));
            Frame answer = reader.read();
            if (answer == null || !(answer.message() instanceof ResumeFrom from) || answer.requestId() != id) {
                throw new IOException("a ResumeFrom was due for request " + id + ", not " + answer);
            }
            resumeAnswers.add(from);
            return from.offset() == prefix.length && from.prefixSha256().equals(prefixSha256) ? prefix : new byte[0];
        }

        /** The path of an upload, checked as a put checks it: its directory exists, and it is no directory. */
        private String uploadTarget(String rawPath) throws Refusal {
            String path = path(rawPath);
            synchronized (trees) {
                var tree = trees.get(user);
                directoryAt(tree, parentOf(path));
                Node existing = tree.get(path);
                if (existing != null && existing.isDirectory()) {
                    throw new Refusal(ErrorCode.IS_A_DIRECTORY, path + " is a directory");
                }
            }
            return path;
        }

        private byte[] receive(long size) throws IOException {
            byte[] content = new byte[Math.toIntExact(size)];
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ByteBuffer chunk = buffer.slice(buffer.position(), Math.min(1 << 16, buffer.remaining()));
                while (chunk.hasRemaining()) {
                    int n = reader.readBuffered(chunk);
                    if (n == 0 && channel.read(chunk) < 0) {
                        throw new IOException("the client went away during the upload");
                    }
                }
                buffer.position(buffer.position() + chunk.capacity());
                pause();
            }
            contentReceived.incrementAndGet();
            contentBytesReceived.addAndGet(content.length);
            return content;
        }

        private void store(String path, Node file) {
            synchronized (trees) {
                trees.get(user).put(path, file);
            }
        }

        private void pause() throws IOException {
            if (pauseMillisPerChunk > 0) {
                try {
                    Thread.sleep(pauseMillisPerChunk);
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
        }

        private void reply(int id, Message message) throws IOException {
            writer.write(new Frame(id, message));
        }
    }

    private static String path(String raw) throws Refusal {
        StringBuilder path = new StringBuilder();
        for (String name : raw.split("/")) {
            if (name.equals(".") || name.equals("..")) {
                throw new Refusal(ErrorCode.BAD_PATH, "'.' and '..' are not accepted: " + raw);
            }
            if (!name.isEmpty()) {
                path.append('/').append(name);
            }
        }
        return path.isEmpty() ? "/" : path.toString();
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static Node existing(TreeMap<String, Node> tree, String path) throws Refusal {
        Node node = tree.get(path);
        if (node == null) {
            String parent = parentOf(path);
            if (!path.equals("/") && tree.containsKey(parent) && !tree.get(parent).isDirectory()) {
                throw new Refusal(ErrorCode.NOT_A_DIRECTORY, parent + " is not a directory");
            }
            throw new Refusal(ErrorCode.NOT_FOUND, "no such file or directory: " + path);
        }
        return node;
    }

    private static void directoryAt(TreeMap<String, Node> tree, String path) throws Refusal {
        if (!existing(tree, path).isDirectory()) {
            throw new Refusal(ErrorCode.NOT_A_DIRECTORY, path + " is not a directory");
        }
    }

    private static Entry entry(String path, Node node) {
        String name = path.equals("/") ? "" : path.substring(path.lastIndexOf('/') + 1);
        if (node.isDirectory()) {
            return new Entry(name, Entry.DIRECTORY, 0, node.modified(), "");
        }
        return new Entry(name, Entry.FILE, node.content().length, node.modified(), node.sha256());
    }

    /** Whether a file of anyone's has this size. */
    private boolean storedSize(long size) {
        synchronized (trees) {
            return trees.values().stream().flatMap(tree -> tree.values().stream())
                    .anyMatch(node -> !node.isDirectory() && node.content().length == size);
        }
    }

    /** Content with this hash and size in anyone's tree (the real server shares content across users too). */
    private Node stored(String sha256, long size) {
        synchronized (trees) {
            for (TreeMap<String, Node> tree : trees.values()) {
                for (Node node : tree.values()) {
                    if (!node.isDirectory() && node.content().length == size && node.sha256().equals(sha256)) {
                        return node;
                    }
                }
            }
        }
        return null;
    }

    private ProveContent challenge(int size) {
        var random = new Random();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        List<ProveContent.Range> ranges = proofRanges;
        if (ranges == null) {
            ranges = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int offset = random.nextInt(size + 1);
                ranges.add(new ProveContent.Range(offset, random.nextInt(size - offset + 1)));
            }
        }
        return new ProveContent(HexFormat.of().formatHex(nonce), ranges);
    }

    private static List<String> expectedProof(ProveContent challenge, byte[] content) {
        List<String> hashes = new ArrayList<>();
        for (ProveContent.Range range : challenge.ranges()) {
            MessageDigest digest = digest();
            digest.update(HexFormat.of().parseHex(challenge.nonce()));
            digest.update(content, (int) range.offset(), (int) range.length());
            hashes.add(HexFormat.of().formatHex(digest.digest()));
        }
        return hashes;
    }

    private static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest().digest(content));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A refusal to send as an ErrorReply. */
    private static final class Refusal extends Exception {
        final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (connections) {
            for (SocketChannel channel : connections) {
                channel.close();
            }
        }
    }
}
