package netdisk.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import netdisk.server.MutableClock;

class AuditLogTest {

    private static final Instant TIME = Instant.parse("2026-11-28T22:55:57.123Z");
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 41234);

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(TIME);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.class);

    @BeforeEach
    void captureWarnings() {
        warnings.setContext(logger.getLoggerContext());
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void releaseWarnings() {
        logger.detachAppender(warnings);
    }

    @Test
    void aLineHasTheTimeInUtcMillisThenKeyValuePairsWithUtf8KeptAndOddValuesQuoted() {
        var put = new AuditEvent(TIME, "alice", LOCAL, "put", List.of("/文档/a.txt"), AuditEvent.OK,
                Map.of("bytes", "1024"));
        assertThat(AuditLog.format(put)).isEqualTo(
                "2026-11-28T22:55:57.123Z user=alice addr=127.0.0.1:41234 op=put path=\"/文档/a.txt\" result=ok "
                        + "bytes=1024");

        var login = new AuditEvent(Instant.parse("2026-01-02T03:04:05Z"), AuditEvent.NO_USER,
                new InetSocketAddress("::1", 5), "login", List.of(), "NOT_FOUND");
        assertThat(AuditLog.format(login))
                .isEqualTo("2026-01-02T03:04:05.000Z user=- addr=[0:0:0:0:0:0:0:1]:5 op=login result=NOT_FOUND");

        var move = new AuditEvent(TIME, "bob smith", LOCAL, "mv", List.of("/a b", "/c.txt"), AuditEvent.OK,
                Map.of("nodes", "3", "bytes", ""));
        assertThat(AuditLog.format(move)).isEqualTo("2026-11-28T22:55:57.123Z user=\"bob smith\" "
                + "addr=127.0.0.1:41234 op=mv path=\"/a b\" to=/c.txt result=ok bytes=\"\" nodes=3");
    }

    @Test
    void aHostileNameCannotStartASecondLineOrPoseAsAField() {
        String hostile = "/x\n2026-11-28T22:55:57.123Z user=root op=rm path=\"/\" result=ok\r\u2028\u0085\u202e";
        String line = AuditLog.format(new AuditEvent(TIME, "a\n user=root op=rm", LOCAL, "get",
                List.of(hostile, "q\"uo\\te\ttab\u0000\u007f"), AuditEvent.OK));

        assertThat(line).doesNotContain("\n", "\r", "\u2028", "\u0085", "\u202e", "\u0000", "\u007f");
        assertThat(line).isEqualTo("2026-11-28T22:55:57.123Z user=\"a\\n user=root op=rm\" addr=127.0.0.1:41234"
                + " op=get path=\"/x\\n2026-11-28T22:55:57.123Z user=root op=rm path=\\\"/\\\" result=ok"
                + "\\r\\u2028\\u0085\\u202e\" to=\"q\\\"uo\\\\te\\ttab\\u0000\\u007f\" result=ok");
        assertThat(parse(line)).containsEntry("user", "a\n user=root op=rm").containsEntry("path", hostile)
                .containsEntry("op", "get");
    }

    @Test
    void anyTextComesBackFromTheLineExactly() {
        String alphabet = "ab /=\"\\\n\r\t\u0000\u001b\u007f\u0085\u00e9\u2028\u2029\u200b\u202e\u6587\ud83d\ude00"
                + "\ud83d\udc00\udc00\ufeff";
        Random random = new Random(1128);
        for (int i = 0; i < 2_000; i++) {
            String user = randomText(random, alphabet);
            String path = randomText(random, alphabet);
            String detail = randomText(random, alphabet);
            String line = AuditLog.format(new AuditEvent(TIME, user, LOCAL, "cp", List.of(path, "/t"), "ok",
                    Map.of("note", detail)));

            assertThat(line).as("one line").doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029");
            Map<String, String> fields = parse(line);
            assertThat(fields).as(line).containsEntry("user", user).containsEntry("path", path)
                    .containsEntry("note", detail).containsEntry("to", "/t");
        }
    }

    @Test
    void aWordIsWhatTheRuleSays() {
        Pattern rule = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
        String alphabet = "aZz09_- .=\n\"é";
        Random random = new Random(20261129);
        for (int trial = 0; trial < 20_000; trial++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(6);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = text.toString();
            assertThat(AuditEvent.isWord(value)).as(value).isEqualTo(rule.matcher(value).matches());
        }
    }

    @Test
    void serverChosenWordsMustBePlain() {
        assertThatThrownBy(() -> new AuditEvent(TIME, "u", LOCAL, "put x", List.of(), "ok"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditEvent(TIME, "u", LOCAL, "put", List.of(), "ok\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditEvent(TIME, "u", LOCAL, "put", List.of(), "ok", Map.of("user", "root")))
                .hasMessageContaining("field of its own");
        assertThatThrownBy(() -> new AuditEvent(TIME, "u", LOCAL, "put", List.of("a", "b", "c"), "ok"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linesAreAppendedToDataLogsAuditLogWithPrivateModes() throws Exception {
        try (AuditLog audit = AuditLog.open(data, clock)) {
            audit.record(new AuditEvent(TIME, "alice", LOCAL, "login", List.of(), "ok"));
        }
        try (AuditLog again = AuditLog.open(data, clock)) {
            again.record(new AuditEvent(TIME, "alice", LOCAL, "logout", List.of(), "ok"));
        }

        Path file = data.resolve("logs").resolve("audit.log");
        assertThat(Files.readAllLines(file)).hasSize(2).allMatch(line -> line.contains("user=alice"));
        // at most these (the umask may take more away), and enough for the server itself
        assertThat(PosixFilePermissions.fromString("rw-r-----")).containsAll(Files.getPosixFilePermissions(file))
                .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(PosixFilePermissions.fromString("rwxr-x---"))
                .containsAll(Files.getPosixFilePermissions(file.getParent()))
                .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(warnings.list).isEmpty();
    }

    @Test
    void aConnectionsLinesWaitForItsFlushThenReachTheFileWithoutAnyFurtherCall() throws Exception {
        Path file = data.resolve(AuditLog.FILE);
        try (AuditLog audit = AuditLog.open(data, clock)) {
            AuditLog.Lines lines = audit.lines();
            for (int i = 0; i < 3; i++) {
                lines.add(new AuditEvent(TIME, "alice", LOCAL, "get", List.of("/f" + i), AuditEvent.OK, Map.of()));
            }
            Thread.sleep(3 * AuditLog.FLUSH_DELAY.toMillis());
            assertThat(file).as("kept by the connection until its flush").doesNotExist();

            lines.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 3);
            assertThat(Files.readAllLines(file)).extracting(line -> line.substring(line.indexOf(" path=")))
                    .containsExactly(" path=/f0 result=ok", " path=/f1 result=ok", " path=/f2 result=ok");
            lines.flush(); // nothing kept: nothing written
            Thread.sleep(3 * AuditLog.FLUSH_DELAY.toMillis());
            assertThat(Files.readAllLines(file)).hasSize(3);

            lines.add(new AuditEvent(TIME, "alice", LOCAL, "get", List.of("/f3"), AuditEvent.OK, Map.of()));
            lines.flush(); // the flusher waits for lines again by now
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(file).size() == 4);
        }
    }

    @Test
    void aLongBatchIsWrittenAtOnceByTheConnectionThatFilledIt() throws Exception {
        Path file = data.resolve(AuditLog.FILE);
        try (AuditLog audit = AuditLog.open(data, clock)) {
            AuditLog.Lines lines = audit.lines();
            var event = new AuditEvent(TIME, "alice", LOCAL, "get", List.of("/" + "x".repeat(200)), AuditEvent.OK,
                    Map.of());
            int perBatch = AuditLog.Lines.FLUSH_AT / (AuditLog.format(event).length() + 1) + 1;
            for (int i = 0; i < perBatch - 1; i++) {
                lines.add(event);
            }
            assertThat(file).as("below the limit: kept").doesNotExist();
            lines.add(event);
            assertThat(Files.readAllLines(file)).as("at the limit: written before add returns").hasSize(perBatch);
        }
    }

    @Test
    void closeWritesTheLinesOfEveryConnectionInTheOrderTheyWereHandedOverAndNothingAfter() throws Exception {
        AuditLog audit = AuditLog.open(data, clock);
        List<AuditLog.Lines> connections = List.of(audit.lines(), audit.lines(), audit.lines());
        List<String> handedOver = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            AuditLog.Lines lines = connections.get(i % connections.size());
            lines.add(new AuditEvent(TIME, "alice", LOCAL, "get", List.of("/f" + i), AuditEvent.OK, Map.of()));
            lines.flush();
            handedOver.add(" path=/f" + i + " result=ok");
        }
        audit.close();
        assertThat(Files.readAllLines(audit.file())).extracting(line -> line.substring(line.indexOf(" path=")))
                .as("written by close, without waiting for the flusher").containsExactlyElementsOf(handedOver);

        AuditLog.Lines late = connections.getFirst();
        late.add(new AuditEvent(TIME, "alice", LOCAL, "get", List.of("/late"), AuditEvent.OK, Map.of()));
        late.flush();
        audit.record(new AuditEvent(TIME, "alice", LOCAL, "get", List.of("/late"), AuditEvent.OK, Map.of()));
        Thread.sleep(3 * AuditLog.FLUSH_DELAY.toMillis());
        assertThat(Files.readAllLines(audit.file())).as("nothing after close").hasSize(30);
        assertThat(warnings.list).isEmpty();
    }

    @Test
    void concurrentWritersThroughSeparateDescriptorsLeaveOnlyWholeLines() throws Exception {
        int threads = 8;
        int perThread = 300;
        List<AuditLog> logs = List.of(AuditLog.open(data, clock), AuditLog.open(data, clock));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                AuditLog audit = logs.get(thread % logs.size());
                for (int i = 0; i < perThread; i++) {
                    // lines from 40 bytes to ~20 KB, past the JDK's 8 KB stack buffer and the 4 KB pipe limit
                    String path = "/t" + thread + "/" + String.valueOf((char) ('a' + thread)).repeat(i * 67 % 20_000);
                    audit.record(new AuditEvent(TIME, "user" + thread, LOCAL, "put", List.of(path), "ok",
                            Map.of("n", Integer.toString(i))));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        logs.forEach(AuditLog::close);

        List<String> lines = Files.readAllLines(logs.getFirst().file(), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(threads * perThread);
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            Map<String, String> fields = parse(line);
            int thread = Integer.parseInt(fields.get("user").substring("user".length()));
            int i = Integer.parseInt(fields.get("n"));
            assertThat(fields.get("path")).isEqualTo("/t" + thread + "/"
                    + String.valueOf((char) ('a' + thread)).repeat(i * 67 % 20_000));
            assertThat(seen.add(thread + "/" + i)).isTrue();
        }
        assertThat(warnings.list).isEmpty();
    }

    @Test
    void failuresAreWarnedAboutAtMostOnceAMinuteAndNeverThrown() throws Exception {
        Files.writeString(data.resolve("logs"), "a file where the directory should be");
        AuditLog audit = AuditLog.open(data, clock);
        var event = new AuditEvent(TIME, "alice", LOCAL, "ls", List.of("/"), "ok");

        audit.record(event);
        audit.record(event);
        clock.advance(Duration.ofSeconds(59));
        audit.record(event);
        assertThat(warnings.list).hasSize(1);
        assertThat(warnings.list.getFirst().getFormattedMessage()).contains("cannot write the audit log",
                "audit.log");

        clock.advance(Duration.ofSeconds(1));
        audit.record(event);
        assertThat(warnings.list).hasSize(2);
        assertThat(warnings.list.getLast().getFormattedMessage()).contains("and 2 more failures");

        Files.delete(data.resolve("logs"));
        audit.record(event);
        assertThat(Files.readAllLines(audit.file())).as("opening is retried").hasSize(1);
        audit.close();
        audit.record(event);
        assertThat(Files.readAllLines(audit.file())).as("nothing after close").hasSize(1);
        assertThat(warnings.list).hasSize(2);
    }

    private static String randomText(Random random, String alphabet) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Reads a line back: the time, then {@code key=value} pairs with plain or quoted, escaped values. */
    private static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = line.indexOf(' ');
        fields.put("time", line.substring(0, i));
        while (i < line.length()) {
            assertThat(line.charAt(i)).isEqualTo(' ');
            int equals = line.indexOf('=', i);
            String key = line.substring(i + 1, equals);
            StringBuilder value = new StringBuilder();
            i = equals + 1;
            if (i < line.length() && line.charAt(i) == '"') {
                for (i++; line.charAt(i) != '"'; i++) {
                    char c = line.charAt(i);
                    if (c != '\\') {
                        value.append(c);
                        continue;
                    }
                    char escaped = line.charAt(++i);
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case 'u' -> {
                            value.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                        default -> value.append(escaped);
                    }
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    value.append(line.charAt(i++));
                }
            }
            assertThat(fields.put(key, value.toString())).as("key %s once", key).isNull();
        }
        return fields;
    }
}
