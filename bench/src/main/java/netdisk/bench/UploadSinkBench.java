package netdisk.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Upload sink micro-benchmark: socket → file, in one JVM, the two ways an upload can be stored.
 *
 * <ul>
 *   <li>{@code loop}: read the socket into one 1 MiB direct {@link ByteBuffer}, write it to the {@link FileChannel}
 *       (what {@code FileTransfers.receive} does);</li>
 *   <li>{@code transferFrom}: {@code FileChannel.transferFrom(socket, position, count)} until {@code count} bytes are
 *       in, counting every call, every call that returned 0 and every short return.</li>
 * </ul>
 * Each runs on a virtual thread (as the worker's sessions do) and on a platform thread. The bytes come from a sender
 * thread of the same JVM (a platform thread, blocking {@link SocketChannel}) that sends a file with
 * {@code transferTo} (sendfile) over loopback, like the client's {@code put}. Only the sink is timed: from the first
 * read to the last write, file open before and close after excluded; nothing is forced to disk (no fsync). The output
 * file is deleted after each run. The first measured run of each variant and destination is checked byte for byte
 * against the source.
 *
 * <pre>
 * UploadSinkBench --source FILE [--size BYTES] [--reps N] [--warmup-mib M] --dest LABEL=DIR [--dest LABEL=DIR...]
 * </pre>
 *
 * <p>Per repetition the order of the variants rotates by one. Prints one line per run and then a markdown table:
 * median, min and max MiB/s over the repetitions, the sink's call counts and whether the content matched.
 */
public final class UploadSinkBench {

    static final int BUFFER = 1 << 20;
    /** transferFrom returning 0 this many times in a row at the same position is taken as stuck (or an early EOF). */
    static final int STUCK_ZEROES = 10_000;

    enum Method { LOOP, TRANSFER_FROM }

    record Variant(Method method, boolean virtual) {
        String label() {
            return (method == Method.LOOP ? "loop, 1 MiB direct buffer" : "transferFrom")
                    + (virtual ? " / virtual thread" : " / platform thread");
        }
    }

    record Dest(String label, Path dir) {
    }

    /** One run of the sink: time, and how the sink's calls went. */
    record Run(long bytes, long nanos, long calls, long zeroes, long shorts, long senderCalls, long senderZeroes,
               long senderNanos, Boolean verified) {
    }

    private final Path source;
    private final long size;
    private final ServerSocketChannel listener;
    private final InetSocketAddress address;

    private UploadSinkBench(Path source, long size) throws IOException {
        this.source = source;
        this.size = size;
        this.listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.address = (InetSocketAddress) listener.getLocalAddress();
    }

    public static void main(String[] args) throws Exception {
        Path source = null;
        long size = -1;
        int reps = 5;
        long warmupMib = 64;
        List<Dest> dests = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--source" -> { source = Path.of(need(a, v)); i++; }
                case "--size" -> { size = Long.parseLong(need(a, v)); i++; }
                case "--reps" -> { reps = Integer.parseInt(need(a, v)); i++; }
                case "--warmup-mib" -> { warmupMib = Long.parseLong(need(a, v)); i++; }
                case "--dest" -> {
                    String d = need(a, v);
                    int eq = d.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--dest wants LABEL=DIR, got " + d);
                    }
                    dests.add(new Dest(d.substring(0, eq), Path.of(d.substring(eq + 1))));
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (usage: --source FILE [--size BYTES] [--reps N] [--warmup-mib M] --dest LABEL=DIR...)");
            }
        }
        if (source == null || dests.isEmpty()) {
            throw new IllegalArgumentException("--source FILE and at least one --dest LABEL=DIR are required");
        }
        long available = Files.size(source);
        if (size < 0) {
            size = available;
        }
        if (size > available) {
            throw new IllegalArgumentException("--size " + size + " is more than " + source + " holds (" + available
                    + " bytes)");
        }
        var bench = new UploadSinkBench(source, size);
        try {
            bench.run(dests, reps, Math.min(size, warmupMib << 20), System.out);
        } finally {
            bench.listener.close();
        }
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private void run(List<Dest> dests, int reps, long warmup, PrintStream out) throws Exception {
        List<Variant> variants = List.of(new Variant(Method.LOOP, true), new Variant(Method.TRANSFER_FROM, true),
                new Variant(Method.LOOP, false), new Variant(Method.TRANSFER_FROM, false));
        out.printf(Locale.ROOT, "UploadSinkBench: %d bytes from %s over %s, %d repetitions, warm-up %d bytes per "
                + "variant; java %s, %d CPUs%n", size, source, address, reps, warmup, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        if (warmup > 0) {
            for (Dest dest : dests) {
                for (Variant variant : variants) {
                    once(dest, variant, warmup, false);
                }
            }
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (Dest dest : dests) {
            for (Variant variant : variants) {
                runs.put(key(dest, variant), new ArrayList<>());
            }
        }
        for (int rep = 0; rep < reps; rep++) {
            for (Dest dest : dests) {
                for (int k = 0; k < variants.size(); k++) {
                    Variant variant = variants.get((k + rep) % variants.size());
                    Run run = once(dest, variant, size, rep == 0);
                    runs.get(key(dest, variant)).add(run);
                    out.printf(Locale.ROOT, "run %d %-6s %-42s %8.0f MiB/s  sink calls %d, returned 0: %d, short: %d;"
                            + " sender %.0f MiB/s, calls %d (0: %d)%s%n", rep + 1, dest.label(), variant.label(),
                            mibps(run), run.calls(), run.zeroes(), run.shorts(),
                            run.bytes() / (double) (1 << 20) / (run.senderNanos() / 1e9), run.senderCalls(),
                            run.senderZeroes(),
                            run.verified() == null ? "" : run.verified() ? "; content verified" : "; CONTENT DIFFERS");
                }
            }
        }
        out.println();
        out.println("| destination | sink | median MiB/s | min | max | per-run MiB/s | sink calls per run "
                + "| calls returning 0 (all runs) | short returns (all runs) | content |");
        out.println("|---|---|---:|---:|---:|---|---:|---:|---:|---|");
        boolean allOk = true;
        for (Dest dest : dests) {
            for (Variant variant : variants) {
                List<Run> list = runs.get(key(dest, variant));
                double[] rates = list.stream().mapToDouble(UploadSinkBench::mibps).toArray();
                double[] sorted = rates.clone();
                Arrays.sort(sorted);
                long zeroes = list.stream().mapToLong(Run::zeroes).sum();
                long shorts = list.stream().mapToLong(Run::shorts).sum();
                long calls = Math.round(list.stream().mapToLong(Run::calls).average().orElse(0));
                boolean ok = list.stream().noneMatch(r -> Boolean.FALSE.equals(r.verified()));
                allOk &= ok;
                StringBuilder per = new StringBuilder();
                for (double r : rates) {
                    per.append(per.isEmpty() ? "" : " / ").append(String.format(Locale.ROOT, "%.0f", r));
                }
                out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %s | %d | %d | %d | %s |%n", dest.label(),
                        variant.label(), median(sorted), sorted[0], sorted[sorted.length - 1], per, calls, zeroes,
                        shorts, ok ? "matches the source" : "DIFFERS");
            }
        }
        out.println();
        out.println("SINK_OK=" + allOk);
    }

    private static String key(Dest dest, Variant variant) {
        return dest.label() + "|" + variant.label();
    }

    private static double mibps(Run run) {
        return run.bytes() / (double) (1 << 20) / (run.nanos() / 1e9);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One transfer of {@code count} bytes into a new file under {@code dest}, timed on the sink's side. */
    private Run once(Dest dest, Variant variant, long count, boolean verify) throws Exception {
        Path out = dest.dir().resolve("upload-sink-" + ProcessHandle.current().pid() + ".bin");
        var senderError = new AtomicReference<Throwable>();
        long[] senderCounts = new long[3];
        Thread sender = Thread.ofPlatform().name("sender").start(() -> {
            try (SocketChannel socket = SocketChannel.open(address);
                 FileChannel file = FileChannel.open(source, StandardOpenOption.READ)) {
                long position = 0;
                long start = System.nanoTime();
                while (position < count) {
                    long n = file.transferTo(position, count - position, socket);
                    senderCounts[0]++;
                    if (n == 0) {
                        senderCounts[1]++;
                    }
                    position += n;
                }
                senderCounts[2] = System.nanoTime() - start;
                socket.shutdownOutput();
            } catch (Throwable e) {
                senderError.set(e);
            }
        });
        Run run;
        try (SocketChannel socket = listener.accept();
             FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            var result = new AtomicReference<long[]>();
            var sinkError = new AtomicReference<Throwable>();
            Runnable sink = () -> {
                try {
                    result.set(variant.method() == Method.LOOP ? loop(socket, file, count)
                            : transferFrom(socket, file, count));
                } catch (Throwable e) {
                    sinkError.set(e);
                }
            };
            Thread thread = variant.virtual() ? Thread.ofVirtual().name("sink").start(sink)
                    : Thread.ofPlatform().name("sink").start(sink);
            thread.join();
            sender.join();
            if (sinkError.get() != null) {
                throw new IOException(variant.label() + " into " + dest.label() + " failed: " + sinkError.get(),
                        sinkError.get());
            }
            if (senderError.get() != null) {
                throw new IOException("the sender failed: " + senderError.get(), senderError.get());
            }
            long[] r = result.get();
            if (file.size() != count) {
                throw new IOException(variant.label() + " into " + dest.label() + ": the file has " + file.size()
                        + " bytes, expected " + count);
            }
            Boolean verified = verify ? sameContent(out, count) : null;
            run = new Run(count, r[0], r[1], r[2], r[3], senderCounts[0], senderCounts[1], senderCounts[2],
                    verified);
        } finally {
            Files.deleteIfExists(out);
        }
        return run;
    }

    /** The server's way: {nanos, calls, zero reads, short reads (always 0: a read may return less by design)}. */
    private static long[] loop(SocketChannel socket, FileChannel file, long count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(BUFFER, Math.max(count, 1)));
        long received = 0;
        long calls = 0;
        long zeroes = 0;
        long start = System.nanoTime();
        while (received < count) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), count - received));
            int n = socket.read(buffer);
            calls++;
            if (n < 0) {
                throw new IOException("EOF after " + received + " of " + count + " bytes");
            }
            if (n == 0) {
                zeroes++;
                continue;
            }
            received += n;
            buffer.flip();
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
        }
        return new long[] {System.nanoTime() - start, calls, zeroes, 0};
    }

    /** {nanos, calls, calls that returned 0, calls that returned less than asked (but more than 0)}. */
    private static long[] transferFrom(SocketChannel socket, FileChannel file, long count) throws IOException {
        long position = 0;
        long calls = 0;
        long zeroes = 0;
        long shorts = 0;
        int zeroesInARow = 0;
        long start = System.nanoTime();
        while (position < count) {
            long want = count - position;
            long n = file.transferFrom(socket, position, want);
            calls++;
            if (n == 0) {
                zeroes++;
                if (++zeroesInARow >= STUCK_ZEROES) {
                    throw new IOException("transferFrom returned 0 " + STUCK_ZEROES + " times in a row at "
                            + position + " of " + count + " bytes (stuck, or the sender's EOF)");
                }
                continue;
            }
            zeroesInARow = 0;
            if (n < want) {
                shorts++;
            }
            position += n;
        }
        return new long[] {System.nanoTime() - start, calls, zeroes, shorts};
    }

    private boolean sameContent(Path out, long count) throws IOException {
        try (FileChannel a = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel b = FileChannel.open(out, StandardOpenOption.READ)) {
            long chunk = 64L << 20;
            for (long p = 0; p < count; p += chunk) {
                long len = Math.min(chunk, count - p);
                MappedByteBuffer x = a.map(FileChannel.MapMode.READ_ONLY, p, len);
                MappedByteBuffer y = b.map(FileChannel.MapMode.READ_ONLY, p, len);
                if (x.mismatch(y) != -1) {
                    return false;
                }
            }
            return true;
        }
    }
}
