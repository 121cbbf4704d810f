package netdisk.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferListener;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileInfo;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.GetFile;
import netdisk.protocol.Hello;
import netdisk.protocol.Login;
import netdisk.protocol.LoginOk;
import netdisk.protocol.Welcome;

/**
 * Small-file download driver (issue 5): COUNT downloads of one small file by CONCURRENCY platform threads, timed
 * after WARMUP downloads of the same kind, reporting downloads/s and latency percentiles.
 *
 * <pre>
 * SmallFileBench --port P --session FILE --path /small.bin --size N --sha256 HEX
 *                [--host 127.0.0.1] [--mode connect|session|pipeline] [--client library|raw] [--login token|ticket]
 *                [--count 2000] [--warmup 2000] [--concurrency 16] [--window 16] [--label NAME] [--deadline-s 300]
 *                [--steps hello|login|get]
 * SmallFileBench --probe-ticket --port P --session FILE      exit 0: ticket login works; 3: not available (says why)
 * SmallFileBench --emit-requests DIR --port P --session FILE --path /small.bin [--login token|ticket]
 *                [--size N --sha256 HEX]                     the request bytes of bench/c/ndload.c, see below
 *   FILE: the command-line client's saved login (XDG_CONFIG_HOME/netdisk/session-HOST-PORT): user= and token=
 * </pre>
 *
 * <ul>
 *   <li>{@code connect}: every download on a new connection: TCP connect, Hello, Login and GetFile, answered by
 *       Welcome, LoginOk, FileInfo + content, SHA-256 checked, close. The lean client sends the three requests in one
 *       write (protocol 1.3 lets a client that knows the server send requests behind its Hello); the client library
 *       sends Hello and a ticket Login together ({@link NetdiskClient#connectWithTicket}, as its transfer
 *       connections do), then the GetFile. Latency: connect to the checked content.</li>
 *   <li>{@code session}: CONCURRENCY connections opened and logged in before the warm-up; each thread downloads on
 *       its own, one request at a time. Latency: GetFile sent to the checked content.</li>
 *   <li>{@code pipeline} ({@code --client raw} only): as {@code session}, with up to WINDOW GetFile requests in
 *       flight per connection, the answers read in order. Latency: GetFile sent to its checked content, so it
 *       includes the wait behind the requests ahead of it.</li>
 * </ul>
 *
 * <p>{@code --client library} downloads with {@link NetdiskClient#getFile} (what {@code bin/netdisk get} uses:
 * a watchdog thread per connection, hashing on a virtual thread); {@code --client raw} with {@link RawSession}, the
 * protocol module's frames and an inline {@code MessageDigest}, the least a verifying client can do. Both compare the
 * announced SHA-256 and size with {@code --sha256} and {@code --size}, and the content with the announced SHA-256.
 *
 * <p>{@code --steps hello} or {@code login} ({@code --mode connect --client raw} only, a diagnostic) closes each
 * connection after the Welcome or after the LoginOk instead of downloading: with the full {@code get}, it shows what
 * the hand-off, the login and the download each add to a connection.
 *
 * <p>{@code --login token} logs in with the saved login's token (Login method 2: a database lookup on the server);
 * {@code --login ticket} first asks for a transfer ticket ({@link TicketApi}, Login method 3: an HMAC check) on a
 * logged-in connection, before each phase, and logs every connection in with it. When the client library or the
 * server does not have tickets yet, the run stops with exit code 3 and says so.
 *
 * <p>{@code --emit-requests DIR} writes the bytes the C driver {@code bench/c/ndload.c} sends, encoded here with
 * the protocol module's {@link FrameEncoder} so that no encoding is written twice: {@code DIR/open.bin}, Hello
 * (request id 1) and Login (id 2, with the token or, {@code --login ticket}, a transfer ticket fetched now as the
 * {@code ticket} mode does), what opens a logged-in connection; {@code DIR/get.bin}, one GetFile(path, 0) (id 3; the
 * server echoes ids and does not need them unique, so the driver sends these same bytes again and again). Both
 * files are readable by their owner only (they hold the secret). It then sends open.bin and get.bin once on a new
 * connection, reads the Welcome, LoginOk and FileInfo with the protocol module's reader, and prints a
 * {@code FILEINFO name=... size=... offset=... sha256=...} line: what the C driver must get, which it checks on its
 * own against its {@code -s} and {@code -f}. With {@code --size} and {@code --sha256}, a FileInfo that differs
 * ends it with exit code 1. A ticket lives 5 minutes by default: emit right before each run of the C driver.
 *
 * <p>Output: a human line and a {@code RESULT key=value ...} line, with the driver JVM's own CPU time per download
 * during the timed phase ({@code client_cpu_us}). Exit code 0 when every measured and warm-up
 * download succeeded, 1 otherwise (the first failure is printed), 2 for a usage error, 3 for ticket login not
 * available. A phase that has not finished after {@code --deadline-s} seconds ends the run with exit code 1.
 */
public final class SmallFileBench {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_UNAVAILABLE = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    enum Mode { CONNECT, SESSION, PIPELINE }

    enum ClientKind { LIBRARY, RAW }

    enum LoginKind { TOKEN, TICKET }

    /** How far a {@code connect} download goes before closing (a diagnostic: where a connection's time goes). */
    enum Steps { HELLO, LOGIN, GET }

    record Options(String host, int port, Path session, String path, long size, String sha256, Mode mode,
                   ClientKind client, LoginKind login, int count, int warmup, int concurrency, int window,
                   String label, long deadlineSeconds, boolean probeTicket, Steps steps, Path emitRequests) {
    }

    /** The figures of one phase; {@code cpuNanos}: this JVM's CPU time during it, every thread. */
    record Result(int ok, int failed, long wallNanos, long cpuNanos, long p50, long p90, long p99, long mean,
                  long max) {
        double perSecond() {
            return ok / (wallNanos / 1e9);
        }
    }

    private final Options options;
    private final InetSocketAddress address;
    private final String user;
    private final String token;
    private final TicketApi tickets;
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final PrintStream out = System.out;
    private volatile String ticket;

    private SmallFileBench(Options options, String user, String token, TicketApi tickets) {
        this.options = options;
        this.address = new InetSocketAddress(options.host(), options.port());
        this.user = user;
        this.token = token;
        this.tickets = tickets;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SmallFileBench: " + e.getMessage());
            System.err.println("usage: SmallFileBench --port P --session FILE --path PATH --size N --sha256 HEX "
                    + "[--host H] [--mode connect|session|pipeline] [--client library|raw] [--login token|ticket] "
                    + "[--count N] [--warmup W] [--concurrency C] [--window K] [--label NAME] [--deadline-s S] "
                    + "[--steps hello|login|get]\n"
                    + "       SmallFileBench --probe-ticket --port P --session FILE\n"
                    + "       SmallFileBench --emit-requests DIR --port P --session FILE --path PATH "
                    + "[--login token|ticket] [--size N --sha256 HEX]");
            System.exit(EXIT_USAGE);
            return;
        }
        Properties saved = new Properties();
        try (InputStream in = Files.newInputStream(options.session())) {
            saved.load(in);
        }
        String user = saved.getProperty("user");
        String token = saved.getProperty("token");
        if (user == null || token == null) {
            System.err.println("SmallFileBench: " + options.session() + " has no user= and token=");
            System.exit(EXIT_USAGE);
            return;
        }
        TicketApi tickets = null;
        if (options.login() == LoginKind.TICKET || options.probeTicket()) {
            try {
                tickets = TicketApi.find();
            } catch (TicketApi.UnavailableException e) {
                unavailable(e.getMessage());
                return;
            }
        }
        var bench = new SmallFileBench(options, user, token, tickets);
        System.exit(options.probeTicket() ? bench.probeTicket()
                : options.emitRequests() != null ? bench.emitRequests(options.emitRequests()) : bench.run());
    }

    private static void unavailable(String why) {
        System.out.println("TICKET unavailable: ticket login is not available on this server yet: " + why);
        System.out.flush();
        System.exit(EXIT_UNAVAILABLE);
    }

    /** Gets a ticket on a token-logged-in connection, then logs a second connection in with it. */
    private int probeTicket() throws IOException {
        try {
            refreshTicket();
            try (NetdiskClient client = NetdiskClient.connect(options.host(), options.port(), CONNECT_TIMEOUT)) {
                tickets.login(client, user, ticket);
            }
        } catch (IOException e) {
            unavailable("the server answered: " + e.getMessage());
        }
        out.println("TICKET available");
        return 0;
    }

    private void refreshTicket() throws IOException {
        try (NetdiskClient client = NetdiskClient.connect(options.host(), options.port(), CONNECT_TIMEOUT)) {
            client.loginWithToken(user, token);
            ticket = tickets.issue(client);
        }
    }

    /** Request ids of the emitted frames; the C driver reads them back from the files to check the answers. */
    private static final int EMIT_HELLO_ID = 1;
    private static final int EMIT_LOGIN_ID = 2;
    private static final int EMIT_GET_ID = 3;

    /** {@code --emit-requests}: writes open.bin and get.bin, tries them once, prints the FileInfo they bring. */
    private int emitRequests(Path dir) throws IOException {
        if (options.login() == LoginKind.TICKET) {
            try {
                refreshTicket();
            } catch (IOException e) {
                unavailable("the server answered: " + e.getMessage());
            }
        }
        ByteBuffer hello = FrameEncoder.encode(new Frame(EMIT_HELLO_ID, Hello.current("netdisk-bench/ndload")));
        ByteBuffer login = FrameEncoder.encode(new Frame(EMIT_LOGIN_ID, new Login(user, loginMethod(), secret())));
        ByteBuffer get = FrameEncoder.encode(new Frame(EMIT_GET_ID, new GetFile(options.path(), 0)));
        byte[] open = new byte[hello.remaining() + login.remaining()];
        ByteBuffer.wrap(open).put(hello).put(login);
        byte[] getBytes = new byte[get.remaining()];
        get.get(getBytes);
        Files.createDirectories(dir);
        writeSecret(dir.resolve("open.bin"), open);
        writeSecret(dir.resolve("get.bin"), getBytes);

        FileInfo info;
        try (SocketChannel channel = SocketChannel.open(address)) {
            ByteBuffer both = ByteBuffer.allocate(open.length + getBytes.length).put(open).put(getBytes).flip();
            while (both.hasRemaining()) {
                channel.write(both);
            }
            var reader = new FrameReader(channel);
            expectAnswer(reader, Welcome.class, EMIT_HELLO_ID, "Hello");
            expectAnswer(reader, LoginOk.class, EMIT_LOGIN_ID, "Login");
            info = expectAnswer(reader, FileInfo.class, EMIT_GET_ID, "GetFile");
        } catch (IOException e) {
            System.err.println("SmallFileBench: the emitted requests failed: " + e.getMessage());
            return EXIT_FAILED;
        }
        out.printf(Locale.ROOT, "EMIT dir=%s login=%s open_bytes=%d get_bytes=%d%n", dir,
                options.login().name().toLowerCase(Locale.ROOT), open.length, getBytes.length);
        out.printf(Locale.ROOT, "FILEINFO name=%s size=%d offset=%d sha256=%s%n", info.name(), info.size(),
                info.offset(), info.sha256());
        out.flush();
        if ((options.size() >= 0 && info.size() != options.size()) || info.offset() != 0
                || (options.sha256() != null && !info.sha256().equals(options.sha256()))) {
            System.err.println("SmallFileBench: unexpected " + info + ", expected " + options.size()
                    + " bytes from offset 0 with SHA-256 " + options.sha256());
            return EXIT_FAILED;
        }
        return 0;
    }

    /** Writes a file only its owner can read: it holds the token or the ticket. */
    private static void writeSecret(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static <T> T expectAnswer(FrameReader reader, Class<T> type, int requestId, String request)
            throws IOException {
        Frame frame = reader.read();
        if (frame == null) {
            throw new IOException("the server closed the connection instead of answering " + request);
        }
        if (frame.message() instanceof ErrorReply error) {
            throw new IOException("the server answered " + request + " with " + error);
        }
        if (!type.isInstance(frame.message()) || frame.requestId() != requestId) {
            throw new IOException("unexpected answer to " + request + " (request id " + requestId + "): request id "
                    + frame.requestId() + ", " + frame.message());
        }
        return type.cast(frame.message());
    }

    private int run() throws Exception {
        if (options.login() == LoginKind.TICKET) {
            try {
                refreshTicket();
            } catch (IOException e) {
                unavailable("the server answered: " + e.getMessage());
            }
        }
        List<Lane> lanes = new ArrayList<>();
        try {
            for (int i = 0; i < options.concurrency(); i++) {
                lanes.add(newLane());
            }
            int warmFailed = 0;
            if (options.warmup() > 0) {
                warmFailed = phase(lanes, options.warmup()).failed();
                if (options.login() == LoginKind.TICKET) {
                    refreshTicket(); // a fresh one for the measured phase
                }
            }
            Result r = phase(lanes, options.count());
            print(r, warmFailed);
            if (firstError.get() != null) {
                System.err.println("first failure: " + firstError.get());
            }
            return r.failed() == 0 && warmFailed == 0 && r.ok() == options.count() ? 0 : EXIT_FAILED;
        } finally {
            for (Lane lane : lanes) {
                lane.close();
            }
        }
    }

    private Lane newLane() throws IOException {
        return switch (options.mode()) {
            case CONNECT -> new ConnectLane();
            case SESSION -> new SessionLane();
            case PIPELINE -> new PipelineLane();
        };
    }

    /** Runs {@code count} downloads spread over the lanes, one platform thread each; waits for all of them. */
    private Result phase(List<Lane> lanes, int count) throws InterruptedException {
        var work = new AtomicInteger(count);
        var start = new CountDownLatch(1);
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            lane.reset(count);
            threads.add(Thread.ofPlatform().name("lane-" + i).daemon().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                lane.run(work);
            }));
        }
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        start.countDown();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(options.deadlineSeconds());
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                System.err.println("SmallFileBench: the phase of " + count + " downloads has not finished after "
                        + options.deadlineSeconds() + " s; first failure: " + firstError.get());
                System.exit(EXIT_FAILED);
            }
        }
        long wall = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        int ok = 0;
        int failed = 0;
        for (Lane lane : lanes) {
            ok += lane.done;
            failed += lane.failed;
        }
        long[] all = new long[ok];
        int at = 0;
        for (Lane lane : lanes) {
            System.arraycopy(lane.latencies, 0, all, at, lane.done);
            at += lane.done;
        }
        Arrays.sort(all);
        long sum = 0;
        for (long s : all) {
            sum += s;
        }
        return new Result(ok, failed, wall, cpu, percentile(all, 50), percentile(all, 90), percentile(all, 99),
                ok == 0 ? 0 : sum / ok, ok == 0 ? 0 : all[ok - 1]);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private void noteError(Exception e) {
        firstError.compareAndSet(null, e.toString());
    }

    // ---- one download, by each client

    private int loginMethod() {
        return options.login() == LoginKind.TICKET ? Login.TICKET : Login.TOKEN;
    }

    private String secret() {
        return options.login() == LoginKind.TICKET ? ticket : token;
    }

    private RawSession rawSession() throws IOException {
        RawSession session = RawSession.open(address);
        try {
            session.login(user, loginMethod(), secret());
            return session;
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** As the client library logs a connection in: with a ticket right behind its Hello, as transfer connections do. */
    private NetdiskClient librarySession() throws IOException {
        if (options.login() == LoginKind.TICKET) {
            return NetdiskClient.connectWithTicket(options.host(), options.port(), CONNECT_TIMEOUT, user, ticket);
        }
        NetdiskClient client = NetdiskClient.connect(options.host(), options.port(), CONNECT_TIMEOUT);
        try {
            client.loginWithToken(user, token);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void libraryGet(NetdiskClient client, CountingSink sink) throws IOException {
        sink.reset();
        FileInfo info = client.getFile(options.path(), sink, TransferListener.NONE); // checks content vs announced
        if (info.size() != options.size() || !info.sha256().equals(options.sha256()) || sink.count != options.size()) {
            throw new IOException("unexpected download " + info + " of " + sink.count + " bytes, expected "
                    + options.size() + " bytes with SHA-256 " + options.sha256());
        }
    }

    /** One thread's share of a phase: its connection (if it keeps one) and its latencies. */
    private abstract class Lane implements AutoCloseable {
        long[] latencies = new long[0];
        int done;
        int failed;

        void reset(int count) {
            if (latencies.length < count) {
                latencies = new long[count];
            }
            done = 0;
            failed = 0;
        }

        void record(long started) {
            latencies[done++] = System.nanoTime() - started;
        }

        /** Downloads while {@code work} has some left: each claim is one download. */
        abstract void run(AtomicInteger work);

        @Override
        public void close() {
        }
    }

    /** A new connection per download. */
    private final class ConnectLane extends Lane {
        private final CountingSink sink = new CountingSink();

        @Override
        void run(AtomicInteger work) {
            while (work.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                try {
                    if (options.steps() == Steps.HELLO) {
                        RawSession.open(address).close();
                    } else if (options.client() == ClientKind.RAW && options.steps() == Steps.GET) {
                        try (RawSession session = RawSession.openAndGet(address, user, loginMethod(), secret(),
                                options.path())) {
                            session.receiveFile(options.size(), options.sha256());
                        }
                    } else if (options.client() == ClientKind.RAW) {
                        rawSession().close();
                    } else {
                        try (NetdiskClient client = librarySession()) {
                            libraryGet(client, sink);
                        }
                    }
                    record(t0);
                } catch (IOException | RuntimeException e) {
                    failed++;
                    noteError(e);
                }
            }
        }
    }

    /** One connection, opened and logged in before the phases, one request at a time. */
    private final class SessionLane extends Lane {
        private final CountingSink sink = new CountingSink();
        private RawSession raw;
        private NetdiskClient library;

        SessionLane() throws IOException {
            open();
        }

        private void open() throws IOException {
            if (options.client() == ClientKind.RAW) {
                raw = rawSession();
            } else {
                library = librarySession();
            }
        }

        @Override
        void run(AtomicInteger work) {
            while (work.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                try {
                    if (raw == null && library == null) {
                        open(); // after a failure; counted in this download's latency
                    }
                    if (raw != null) {
                        raw.sendGets(options.path(), 1);
                        raw.receiveFile(options.size(), options.sha256());
                    } else {
                        libraryGet(library, sink);
                    }
                    record(t0);
                } catch (IOException | RuntimeException e) {
                    failed++;
                    noteError(e);
                    close();
                }
            }
        }

        @Override
        public void close() {
            closeQuietly(raw);
            closeQuietly(library);
            raw = null;
            library = null;
        }
    }

    /** One raw connection with up to WINDOW requests in flight; answers read in order. */
    private final class PipelineLane extends Lane {
        private final long[] sentAt = new long[options.window()];
        private RawSession session;

        PipelineLane() throws IOException {
            session = rawSession();
        }

        @Override
        void run(AtomicInteger work) {
            int head = 0; // the oldest request in flight, in sentAt (a ring)
            int inFlight = 0; // claimed and not answered, sent or not
            int unsent = 0; // the newest of those, not sent yet
            boolean more = true;
            while (true) {
                while (more && inFlight < options.window()) {
                    if (work.getAndDecrement() > 0) {
                        inFlight++;
                        unsent++;
                    } else {
                        more = false;
                    }
                }
                if (inFlight == 0) {
                    return;
                }
                try {
                    if (session == null) {
                        session = rawSession();
                    }
                    if (unsent > 0) {
                        long now = System.nanoTime();
                        for (int i = inFlight - unsent; i < inFlight; i++) {
                            sentAt[(head + i) % sentAt.length] = now;
                        }
                        session.sendGets(options.path(), unsent);
                        unsent = 0;
                    }
                    session.receiveFile(options.size(), options.sha256());
                    record(sentAt[head]);
                    head = (head + 1) % sentAt.length;
                    inFlight--;
                } catch (IOException | RuntimeException e) {
                    failed += inFlight; // every request in flight is lost with the connection
                    noteError(e);
                    inFlight = 0;
                    unsent = 0;
                    head = 0;
                    close();
                }
            }
        }

        @Override
        public void close() {
            closeQuietly(session);
            session = null;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // the connection is being dropped anyway
        }
    }

    /** Takes the downloaded bytes and counts them; the library hashes them on its own. */
    private static final class CountingSink implements WritableByteChannel {
        long count;

        void reset() {
            count = 0;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            count += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    // ---- output

    private void print(Result r, int warmFailed) {
        Options o = options;
        String name = o.label() != null ? o.label()
                : o.mode().name().toLowerCase(Locale.ROOT) + "-" + o.client().name().toLowerCase(Locale.ROOT);
        int window = o.mode() == Mode.PIPELINE ? o.window() : 1;
        out.printf(Locale.ROOT, "%s: %d %s (%s, %s client, %s login, %d threads, window %d) in "
                        + "%.3f s: %.0f/s, p50 %.0f µs, p90 %.0f, p99 %.0f, mean %.0f, max %.0f; driver CPU %.0f µs "
                        + "each; failed %d (+%d in the warm-up of %d)%n",
                name, r.ok(), o.steps() == Steps.GET ? "downloads of " + o.size() + " bytes"
                        : "connections up to the " + (o.steps() == Steps.HELLO ? "Welcome" : "LoginOk"),
                o.mode().name().toLowerCase(Locale.ROOT),
                o.client().name().toLowerCase(Locale.ROOT), o.login().name().toLowerCase(Locale.ROOT),
                o.concurrency(), window, r.wallNanos() / 1e9, r.perSecond(), us(r.p50()), us(r.p90()), us(r.p99()),
                us(r.mean()), us(r.max()), r.ok() == 0 ? 0 : us(r.cpuNanos()) / r.ok(), r.failed(), warmFailed,
                o.warmup());
        out.printf(Locale.ROOT, "RESULT label=%s mode=%s steps=%s client=%s login=%s threads=%d window=%d n=%d "
                        + "failed=%d warmup_failed=%d seconds=%.4f per_s=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
                        + "mean_us=%.1f max_us=%.1f client_cpu_us=%.1f%n",
                name, o.mode().name().toLowerCase(Locale.ROOT), o.steps().name().toLowerCase(Locale.ROOT),
                o.client().name().toLowerCase(Locale.ROOT), o.login().name().toLowerCase(Locale.ROOT),
                o.concurrency(), window, r.ok(), r.failed(), warmFailed,
                r.wallNanos() / 1e9, r.perSecond(), us(r.p50()), us(r.p90()), us(r.p99()), us(r.mean()),
                us(r.max()), r.ok() == 0 ? 0 : us(r.cpuNanos()) / r.ok());
        out.flush();
    }

    private static double us(long nanos) {
        return nanos / 1_000.0;
    }

    /** Nearest-rank percentile of sorted samples. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    // ---- arguments

    private static Options parse(String[] args) {
        String host = "127.0.0.1";
        int port = -1;
        Path session = null;
        String path = null;
        long size = -1;
        String sha256 = null;
        Mode mode = Mode.CONNECT;
        ClientKind client = ClientKind.RAW;
        LoginKind login = LoginKind.TOKEN;
        int count = 2_000;
        int warmup = 2_000;
        int concurrency = 16;
        int window = 16;
        String label = null;
        long deadline = 300;
        boolean probe = false;
        Steps steps = Steps.GET;
        Path emit = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--probe-ticket")) {
                probe = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value, or is unknown");
            }
            String value = args[++i];
            switch (arg) {
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--session" -> session = Path.of(value);
                case "--path" -> path = value;
                case "--size" -> size = Long.parseLong(value);
                case "--sha256" -> sha256 = value;
                case "--mode" -> mode = Mode.valueOf(value.toUpperCase(Locale.ROOT));
                case "--client" -> client = ClientKind.valueOf(value.toUpperCase(Locale.ROOT));
                case "--login" -> login = LoginKind.valueOf(value.toUpperCase(Locale.ROOT));
                case "--count" -> count = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--window" -> window = Integer.parseInt(value);
                case "--label" -> label = value;
                case "--deadline-s" -> deadline = Long.parseLong(value);
                case "--steps" -> steps = Steps.valueOf(value.toUpperCase(Locale.ROOT));
                case "--emit-requests" -> emit = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (port < 0 || session == null) {
            throw new IllegalArgumentException("--port and --session are required");
        }
        if (emit != null && (probe || path == null)) {
            throw new IllegalArgumentException("--emit-requests needs --path, and not --probe-ticket");
        }
        if (!probe && emit == null && (path == null || size < 0 || sha256 == null)) {
            throw new IllegalArgumentException("--path, --size and --sha256 are required");
        }
        if (count < 1 || warmup < 0 || concurrency < 1 || window < 1 || deadline < 1) {
            throw new IllegalArgumentException("--count, --concurrency, --window and --deadline-s must be at least 1, "
                    + "--warmup at least 0");
        }
        if (mode == Mode.PIPELINE && client != ClientKind.RAW) {
            throw new IllegalArgumentException("--mode pipeline needs --client raw: the client library sends one "
                    + "request at a time");
        }
        if (steps != Steps.GET && (mode != Mode.CONNECT || client != ClientKind.RAW)) {
            throw new IllegalArgumentException("--steps hello|login needs --mode connect --client raw");
        }
        return new Options(host, port, session, path, size, sha256, mode, client, login, count, warmup, concurrency,
                window, label, deadline, probe, steps, emit);
    }
}
