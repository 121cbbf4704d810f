package netdisk.server.audit;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one line per client operation in {@code DATA/logs/audit.log}, for example
 * <pre>
 * 2026-11-28T22:55:57.123Z user=alice addr=127.0.0.1:41234 op=put path="/文档/a.txt" result=ok bytes=1024
 * </pre>
 *
 * <p><b>Several writers, whole lines.</b> Every worker process appends to the same file at once, so locking inside
 * one JVM cannot keep lines whole. Instead each line goes to the file with a single {@code write(2)} on a descriptor
 * opened with {@code O_APPEND}: the kernel then moves to the end of the file and writes the bytes as one step, so
 * writes of different processes (and threads) never interleave on a local file system, and none overwrites another.
 * A line is therefore formatted completely first and handed over in one call. The descriptor is a
 * {@link FileOutputStream} opened for appending, not a {@code FileChannel}: a {@code FileChannel} is interruptible,
 * and one interrupted session thread (stop, idle timeout) would close it for every thread of the worker.
 * {@code FileOutputStream.write(byte[])} makes one {@code write(2)} of the whole line, and more only if the kernel
 * writes less than asked (a full disk), the one case where a line can be torn.
 *
 * <p><b>Connections' lines go out together.</b> A connection's {@link Lines} collects the lines of the requests that
 * arrived together (pipelined) and hands them over before the connection next waits for its client, and at its end.
 * Handed-over lines wait in this log for at most {@link #FLUSH_DELAY}, then all of them, from every connection of the
 * process, are written with one {@code write(2)} by the log's flusher thread: still whole lines, in the order they were
 * handed over, never interleaved with another process's. Once {@value Lines#FLUSH_AT} bytes are waiting, the
 * connection that handed over the last of them writes them at once. One {@code write(2)} per line was 8 % of a worker's
 * CPU serving pipelined downloads; one per connection and request, 10 % of the server's CPU per download in sessions
 * (measured by leaving the audit out). {@link #close} writes what is waiting. A worker process killed loses the lines
 * of the last {@link #FLUSH_DELAY} and those of the requests it was serving, as a web server's buffered access log
 * does.
 *
 * <p><b>No forged lines.</b> Values that are not plain tokens (letters, digits and {@code -._~:/@+,%[]}) are written
 * in double quotes, with {@code "} and {@code \} escaped and every control, format, line-separator or unpaired
 * surrogate character written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}: a hostile file name
 * can neither end a line nor pose as another field. Other Unicode stays as it is (UTF-8). Passwords and tokens have
 * no field ({@link AuditEvent}).
 *
 * <p><b>Never in the way.</b> An operation never fails because the audit log cannot be written: failures are logged
 * as warnings, at most one a minute (a full disk would otherwise flood the log too), and opening is retried on the
 * next record. The directory is created with mode 0750 and the file with 0640 (both further narrowed by the umask);
 * existing ones keep theirs. Thread-safe. Rotate with {@code copytruncate}: the file stays open, and appending
 * follows a truncation.
 */
public final class AuditLog implements AutoCloseable {

    /** The audit log inside the data directory. */
    public static final Path FILE = Path.of("logs", "audit.log");
    /** The permissions of its directory, {@code DATA/logs}, when it is made: the owner's and the group's to read. */
    public static final String DIRECTORY_PERMISSIONS = "rwxr-x---";

    static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);
    /** How long handed-over lines wait for the flusher, which then writes all that are waiting in one go. */
    static final Duration FLUSH_DELAY = Duration.ofMillis(10);

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** A line's time up to its milliseconds, which {@link #appendTime} adds with the {@code Z}. */
    private static final DateTimeFormatter TO_THE_SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    /** The last second formatted: lines come many to a second, and formatting was 1.6 % of a worker's CPU. */
    private static volatile SecondText lastSecond = new SecondText(Long.MIN_VALUE, "");

    private final Path file;
    private final Clock clock;
    private final Object opening = new Object();
    private final AtomicLong nextWarningAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unreported = new AtomicLong();
    private volatile FileOutputStream out;
    private volatile boolean closed;
    /** Guards {@link #waiting}, {@link #flusher} and {@link #closing}. */
    private final ReentrantLock handOver = new ReentrantLock();
    private final Condition linesWaiting = handOver.newCondition();
    /** Lines handed over and not written yet. */
    private final ByteArrayOutputStream waiting = new ByteArrayOutputStream(8192);
    /** Started with the first lines handed over. */
    private Thread flusher;
    private boolean closing;
    /** Held from taking the waiting lines to writing them: they reach the file in the order they were handed over. */
    private final ReentrantLock writing = new ReentrantLock();

    private AuditLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * The audit log of data directory {@code dataDir}. Never fails: the file is opened on the first record (and
     * again after a failure to open it); {@code clock} paces the warnings.
     */
    public static AuditLog open(Path dataDir, Clock clock) {
        return new AuditLog(Objects.requireNonNull(dataDir, "dataDir").resolve(FILE),
                Objects.requireNonNull(clock, "clock"));
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one line for {@code event} at once, not waiting for the flusher; problems are warned about, never thrown.
     * Nothing after {@link #close}.
     */
    public void record(AuditEvent event) {
        append((format(event) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Lines for one connection's requests, written together; see the class comment. */
    public Lines lines() {
        return new Lines();
    }

    /** Keeps whole lines for the flusher; writes all that wait at once if they reached {@link Lines#FLUSH_AT} bytes. */
    private void handOver(byte[] lines) {
        boolean writeNow;
        handOver.lock();
        try {
            if (closing) {
                return;
            }
            boolean wasEmpty = waiting.size() == 0;
            waiting.writeBytes(lines);
            writeNow = waiting.size() >= Lines.FLUSH_AT;
            if (!writeNow && wasEmpty) {
                if (flusher == null) {
                    flusher = Thread.ofPlatform().daemon().name("audit-log-flusher").start(this::flushLoop);
                }
                linesWaiting.signal();
            }
        } finally {
            handOver.unlock();
        }
        if (writeNow) {
            writeWaiting();
        }
    }

    /** The flusher: waits for lines, lets more come for {@link #FLUSH_DELAY}, writes them all; until the log closes. */
    private void flushLoop() {
        while (true) {
            handOver.lock();
            try {
                while (waiting.size() == 0) {
                    if (closing) {
                        return;
                    }
                    linesWaiting.awaitUninterruptibly();
                }
            } finally {
                handOver.unlock();
            }
            try {
                TimeUnit.NANOSECONDS.sleep(FLUSH_DELAY.toNanos());
            } catch (InterruptedException e) {
                // closing: close writes what waits, and so may this
            }
            writeWaiting();
        }
    }

    private void writeWaiting() {
        writing.lock();
        try {
            byte[] lines;
            handOver.lock();
            try {
                lines = waiting.toByteArray();
                waiting.reset();
            } finally {
                handOver.unlock();
            }
            if (lines.length > 0) {
                append(lines);
            }
        } finally {
            writing.unlock();
        }
    }

    /** Whole lines, appended with one {@code write(2)}. */
    private void append(byte[] lines) {
        if (closed) {
            return;
        }
        try {
            stream().write(lines);
        } catch (IOException e) {
            if (!closed) {
                warn(e);
            }
        }
    }

    /**
     * The lines of one connection's requests that are not handed over yet: {@link #add} keeps one, {@link #flush}
     * hands all kept so far over to the log, which writes them with the other connections' within
     * {@link #FLUSH_DELAY}. For the connection's own thread only.
     */
    public final class Lines {

        /**
         * Kept lines are handed over once they reach this many bytes, without waiting for a flush; and lines waiting in
         * the log are written at once when they reach it.
         */
        static final int FLUSH_AT = 64 * 1024;

        private final StringBuilder kept = new StringBuilder(256);

        private Lines() {
        }

        /** Keeps the line for {@code event}, to be written with the next {@link #flush}. */
        public void add(AuditEvent event) {
            kept.append(format(event)).append('\n');
            if (kept.length() >= FLUSH_AT) {
                flush();
            }
        }

        /** Hands the kept lines, if any, over to the log. */
        public void flush() {
            if (kept.isEmpty()) {
                return;
            }
            byte[] bytes = kept.toString().getBytes(StandardCharsets.UTF_8);
            kept.setLength(0);
            handOver(bytes);
        }
    }

    /** Writes the lines waiting for the flusher, stops it, and closes the file. Nothing is written after. */
    @Override
    public void close() {
        Thread stopping;
        handOver.lock();
        try {
            closing = true;
            stopping = flusher;
            linesWaiting.signal();
        } finally {
            handOver.unlock();
        }
        if (stopping != null) {
            stopping.interrupt();
        }
        writeWaiting();
        synchronized (opening) {
            closed = true;
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    warn(e);
                }
            }
        }
    }

    private FileOutputStream stream() throws IOException {
        FileOutputStream stream = out;
        if (stream != null) {
            return stream;
        }
        synchronized (opening) {
            if (closed) {
                throw new IOException("the audit log is closed");
            }
            if (out == null) {
                Files.createDirectories(file.getParent(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIRECTORY_PERMISSIONS)));
                try {
                    Files.createFile(file,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
                } catch (FileAlreadyExistsException e) {
                    // another worker made it, or an earlier run did
                }
                out = new FileOutputStream(file.toFile(), true);
            }
            return out;
        }
    }

    private void warn(IOException e) {
        long now = clock.millis();
        long next = nextWarningAt.get();
        if (now < next || !nextWarningAt.compareAndSet(next, now + WARNING_INTERVAL.toMillis())) {
            unreported.incrementAndGet();
            return;
        }
        long missed = unreported.getAndSet(0);
        log.warn("cannot write the audit log {}: {}{}", file, e.toString(),
                missed == 0 ? "" : " (and " + missed + " more failures since the last warning)");
    }

    // ---- the line

    /** The line for {@code event}, without the line feed. */
    static String format(AuditEvent event) {
        StringBuilder line = new StringBuilder(128);
        appendTime(line, event.time());
        field(line, "user", event.user());
        field(line, "addr", address(event.remote()));
        field(line, "op", event.operation());
        List<String> paths = event.paths();
        if (!paths.isEmpty()) {
            field(line, "path", paths.get(0));
        }
        if (paths.size() > 1) {
            field(line, "to", paths.get(1));
        }
        field(line, "result", event.result());
        for (Map.Entry<String, String> detail : event.details().entrySet()) {
            field(line, detail.getKey(), detail.getValue());
        }
        return line.toString();
    }

    /** {@code 2026-11-28T22:55:57.123Z}: UTC, to the millisecond. */
    private static void appendTime(StringBuilder line, Instant time) {
        SecondText second = lastSecond;
        if (second.epochSecond() != time.getEpochSecond()) {
            second = new SecondText(time.getEpochSecond(), TO_THE_SECOND.format(time));
            lastSecond = second;
        }
        int millis = time.getNano() / 1_000_000;
        line.append(second.text()).append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10)).append('Z');
    }

    private record SecondText(long epochSecond, String text) {
    }

    private static void field(StringBuilder line, String key, String value) {
        line.append(' ').append(key).append('=');
        if (isPlain(value)) {
            line.append(value);
        } else {
            quote(line, value);
        }
    }

    /** {@code 127.0.0.1:41234}, {@code [::1]:41234}: the numeric address, never a name looked up. */
    private static String address(InetSocketAddress remote) {
        InetAddress address = remote.getAddress();
        String host = address == null ? remote.getHostString() : address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + remote.getPort();
    }

    static boolean isPlain(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~:/@+,%[]".indexOf(c) >= 0;
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static void quote(StringBuilder line, String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        char low = value.charAt(++i);
                        if (mustEscape(Character.toCodePoint(c, low))) {
                            escape(line, c);
                            escape(line, low);
                        } else {
                            line.append(c).append(low);
                        }
                    } else if (Character.isSurrogate(c) || mustEscape(c)) {
                        escape(line, c);
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    /** Characters that could break a line, hide text or reorder it on screen. */
    private static boolean mustEscape(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }

    private static void escape(StringBuilder line, char c) {
        line.append(String.format("\\u%04x", (int) c));
    }
}
