package netdisk.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import netdisk.protocol.ErrorReply;
import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.Hello;
import netdisk.protocol.Welcome;

/**
 * Hand-off benchmark driver: sequential connections, each {@code connect → Hello → first frame (Welcome) → close},
 * timing connect → first answer with {@link System#nanoTime()}.
 *
 * <pre>
 * HandoffBench [--warmup W] [--count N] [--rounds R] [--rotate K] [--pause-us P] [--samples DIR] TARGET...
 *   TARGET = [NAME=]HOST:PORT        e.g. baseline=127.0.0.1:40001  or  [::1]:7477
 * </pre>
 *
 * <p>Per round, every target gets W warm-up connections (not measured) and then N measured ones; the order of the
 * targets rotates by one each round (and by K to start with), so that drift on a noisy machine spreads over all of
 * them. Each measured run prints a human line and a {@code RESULT key=value...} line; at the end a {@code SUMMARY} line
 * per target gives the median of the per-round figures (failures: the sum).
 *
 * <p>The client is deliberately lean and identical for every target: plain blocking {@link SocketChannel}, the Hello
 * frame encoded once, the protocol's own {@link FrameReader}. Only connect → first frame is timed; the close is not
 * (it is counted in connections/s, which is N divided by the wall time of the measured loop). An answer that is not a
 * Welcome, an I/O error or a connection stuck for more than {@value #STUCK_MILLIS} ms counts as a failure and is left
 * out of the latency figures. {@code --pause-us P} sleeps P µs before every connection (a diagnostic: the server has
 * then finished with the previous connection; conn/s then includes the pauses). {@code --samples DIR} writes every
 * measured latency (ns), one per line, to {@code DIR/NAME-roundR.ns}.
 */
public final class HandoffBench {

    static final long STUCK_MILLIS = 5_000;

    private record Target(String name, InetSocketAddress address) {
    }

    /** The figures of one measured run (ns). */
    record Result(String name, int round, int n, int failed, long median, long p90, long p99, long mean, long min,
                  long max, double connPerSecond, Map<String, Integer> perWorker) {
    }

    private final ByteBuffer hello = FrameEncoder.encode(new Frame(1, Hello.current("netdisk-bench/handoff")));
    private final Watchdog watchdog = new Watchdog();
    private final PrintStream out = System.out;
    private final long pauseNanos;
    private String firstError;

    private HandoffBench(long pauseMicros) {
        this.pauseNanos = TimeUnit.MICROSECONDS.toNanos(pauseMicros);
    }

    public static void main(String[] args) throws Exception {
        int warmup = 500;
        int count = 1_000;
        int rounds = 1;
        int rotate = 0;
        long pauseMicros = 0;
        String samplesDir = null;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--rotate" -> rotate = Integer.parseInt(args[++i]);
                case "--samples" -> samplesDir = args[++i];
                case "--pause-us" -> pauseMicros = Long.parseLong(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: HandoffBench [--warmup W] [--count N] [--rounds R] [--rotate K] "
                            + "[--pause-us P] [--samples DIR] [NAME=]HOST:PORT...");
                    return;
                }
                default -> targets.add(parseTarget(args[i]));
            }
        }
        if (targets.isEmpty() || count < 1 || warmup < 0 || rounds < 1) {
            System.err.println("usage: HandoffBench [--warmup W] [--count N] [--rounds R] [--rotate K] "
                    + "[--pause-us P] [--samples DIR] [NAME=]HOST:PORT...");
            System.exit(2);
        }
        new HandoffBench(pauseMicros).run(targets, warmup, count, rounds, rotate, samplesDir);
    }

    private void run(List<Target> targets, int warmup, int count, int rounds, int rotate, String samplesDir)
            throws IOException {
        Thread.ofPlatform().daemon().name("watchdog").start(watchdog);
        Map<String, List<Result>> byTarget = new TreeMap<>();
        int failures = 0;
        for (int round = 1; round <= rounds; round++) {
            for (int k = 0; k < targets.size(); k++) {
                Target target = targets.get(Math.floorMod(k + rotate + round - 1, targets.size()));
                int warmFailed = warmup - runConnections(target, new long[warmup], warmup, new TreeMap<>());
                if (warmFailed > 0) {
                    out.printf("round %d %s: %d of %d warm-up connections failed%n", round, target.name(), warmFailed,
                            warmup);
                    failures += warmFailed;
                }
                Result result = measure(target, round, count, samplesDir);
                byTarget.computeIfAbsent(target.name(), x -> new ArrayList<>()).add(result);
                failures += result.failed();
                print(result);
            }
        }
        for (var e : byTarget.entrySet()) {
            printSummary(e.getKey(), e.getValue());
        }
        if (firstError != null) {
            System.err.println("first failure: " + firstError);
        }
        out.flush();
        System.exit(failures == 0 ? 0 : 1);
    }

    private Result measure(Target target, int round, int count, String samplesDir) throws IOException {
        long[] samples = new long[count];
        Map<String, Integer> perWorker = new TreeMap<>();
        long t0 = System.nanoTime();
        int ok = runConnections(target, samples, count, perWorker);
        long wall = System.nanoTime() - t0;
        long[] good = Arrays.copyOf(samples, ok);
        if (samplesDir != null) {
            var path = Path.of(samplesDir, target.name() + "-round" + round + ".ns");
            var text = new StringBuilder(ok * 8);
            for (long s : good) {
                text.append(s).append('\n');
            }
            Files.writeString(path, text);
        }
        Arrays.sort(good);
        long sum = 0;
        for (long s : good) {
            sum += s;
        }
        return new Result(target.name(), round, ok, count - ok, percentile(good, 50), percentile(good, 90),
                percentile(good, 99), ok == 0 ? 0 : sum / ok, ok == 0 ? 0 : good[0], ok == 0 ? 0 : good[ok - 1],
                count / (wall / 1e9), perWorker);
    }

    /**
     * Runs {@code count} sequential connections; the latencies of the successful ones go to the front of
     * {@code samples}. Returns how many succeeded.
     */
    private int runConnections(Target target, long[] samples, int count, Map<String, Integer> perWorker) {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            if (pauseNanos > 0) {
                pause();
            }
            long elapsed = once(target.address(), perWorker);
            if (elapsed >= 0) {
                samples[ok++] = elapsed;
            }
        }
        return ok;
    }

    /** Idles between connections, so that what a server does after answering (closing, logging) is out of the way. */
    private void pause() {
        try {
            Thread.sleep(Duration.ofNanos(pauseNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection; its connect → first answer time in ns, or -1 on failure. */
    private long once(InetSocketAddress address, Map<String, Integer> perWorker) {
        SocketChannel channel = null;
        long start = System.nanoTime();
        try {
            channel = SocketChannel.open(address);
            watchdog.watch(channel, start);
            ByteBuffer bytes = hello.duplicate();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            Frame answer = new FrameReader(channel, 256).read();
            long elapsed = System.nanoTime() - start;
            if (answer != null && answer.message() instanceof Welcome welcome) {
                perWorker.merge(welcome.workerNumber() + "/" + welcome.workerPid(), 1, Integer::sum);
                return elapsed;
            }
            noteError(answer == null ? "connection closed without an answer"
                    : answer.message() instanceof ErrorReply error ? "error reply " + error
                    : "unexpected answer " + answer.message());
            return -1;
        } catch (IOException | RuntimeException e) {
            noteError(e.toString());
            return -1;
        } finally {
            watchdog.watch(null, 0);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // nothing to add: the measurement is over
                }
            }
        }
    }

    private void noteError(String error) {
        if (firstError == null) {
            firstError = error;
        }
    }

    /** Nearest-rank percentile of sorted samples. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    private void print(Result r) {
        out.printf(Locale.ROOT, "round %d %-14s n=%d median %.1f µs  p90 %.1f  p99 %.1f  mean %.1f  max %.1f  "
                        + "%.0f conn/s  failed %d  answers per worker no/pid %s%n",
                r.round(), r.name(), r.n(), us(r.median()), us(r.p90()), us(r.p99()), us(r.mean()), us(r.max()),
                r.connPerSecond(), r.failed(), r.perWorker());
        out.printf(Locale.ROOT, "RESULT name=%s round=%d n=%d failed=%d median_ns=%d p90_ns=%d p99_ns=%d mean_ns=%d "
                        + "min_ns=%d max_ns=%d conn_per_s=%.0f workers=%d%n",
                r.name(), r.round(), r.n(), r.failed(), r.median(), r.p90(), r.p99(), r.mean(), r.min(), r.max(),
                r.connPerSecond(), r.perWorker().size());
    }

    private void printSummary(String name, List<Result> results) {
        long median = medianOf(results.stream().mapToLong(Result::median).toArray());
        long p90 = medianOf(results.stream().mapToLong(Result::p90).toArray());
        long p99 = medianOf(results.stream().mapToLong(Result::p99).toArray());
        long mean = medianOf(results.stream().mapToLong(Result::mean).toArray());
        long cps = medianOf(results.stream().mapToLong(r -> Math.round(r.connPerSecond())).toArray());
        int failed = results.stream().mapToInt(Result::failed).sum();
        out.printf(Locale.ROOT, "SUMMARY name=%s rounds=%d median_ns=%d p90_ns=%d p99_ns=%d mean_ns=%d conn_per_s=%d "
                + "failed=%d%n", name, results.size(), median, p90, p99, mean, cps, failed);
    }

    private static long medianOf(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double us(long nanos) {
        return nanos / 1_000.0;
    }

    private static Target parseTarget(String text) {
        String name = text;
        String hostPort = text;
        int eq = text.indexOf('=');
        if (eq >= 0) {
            name = text.substring(0, eq);
            hostPort = text.substring(eq + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("target must be [NAME=]HOST:PORT, not " + text);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        return new Target(name, new InetSocketAddress(host, port));
    }

    /** Closes a connection that has been waiting for its answer for too long, so that a stuck server fails a run. */
    private static final class Watchdog implements Runnable {
        private volatile SocketChannel channel;
        private volatile long since;

        void watch(SocketChannel channel, long since) {
            this.since = since;
            this.channel = channel;
        }

        @Override
        public void run() {
            while (true) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                SocketChannel c = channel;
                if (c != null && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(STUCK_MILLIS)) {
                    try {
                        c.close();
                    } catch (IOException e) {
                        // it is being abandoned anyway
                    }
                }
            }
        }
    }
}
