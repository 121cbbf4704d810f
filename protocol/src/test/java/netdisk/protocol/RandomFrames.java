package netdisk.protocol;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Seeded random generation for property tests, without a property-testing library: a runner that
 * turns a property into {@link DynamicTest}s of a few hundred cases each, and generators of frames,
 * messages and byte streams biased towards edge values.
 *
 * <p>One seed drives a whole run. It is read from the system property {@value #SEED_PROPERTY}, or
 * drawn at random, and every case derives its own generator from the seed, the property's name and
 * the case number, so a case does not depend on the cases before it. Every failure names the seed
 * and the case, and is replayed with {@code -Dnetdisk.test.seed=<seed>}, optionally
 * {@code -Dnetdisk.test.case=<case>} to run that case alone. {@value #CASES_PROPERTY} overrides the
 * number of cases of every property, for a longer run.
 */
final class RandomFrames {

    static final String SEED_PROPERTY = "netdisk.test.seed";
    static final String CASE_PROPERTY = "netdisk.test.case";
    static final String CASES_PROPERTY = "netdisk.test.cases";

    /** The seed of this run. */
    static final long SEED = seed();

    private static final int BATCH = 200;
    /** Fewer cases say too little about how often the generators reach an event. */
    private static final int MIN_CASES_FOR_COVERAGE = 1_000;
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(30);
    private static final int[] EDGE_BYTES = {0x00, 0x01, 0x04, 0x05, 0x7F, 0x80, 0xFE, 0xFF};

    private RandomFrames() {
    }

    // ---------------------------------------------------------------- running properties

    /** One generated case: its generator, its number, and notes describing its input for a failure message. */
    static final class Trial {

        private final RandomGenerator random;
        private final int number;
        private final Map<String, Object> notes = new LinkedHashMap<>();

        private Trial(RandomGenerator random, int number) {
            this.random = random;
            this.number = number;
        }

        RandomGenerator random() {
            return random;
        }

        int number() {
            return number;
        }

        /** Records part of the input, shown (control characters escaped, shortened) only if the case fails. */
        void note(String name, Object value) {
            notes.put(name, value);
        }

        private String notes() {
            StringBuilder shown = new StringBuilder();
            notes.forEach((name, value) -> {
                String text = String.valueOf(value);
                if (text.length() > 600) {
                    text = text.substring(0, 600) + "... (" + text.length() + " chars)";
                }
                shown.append("\n").append(name).append(": ");
                text.codePoints().forEach(c -> {
                    if (Character.isISOControl(c)) {
                        shown.append(String.format("\\u%04X", c));
                    } else {
                        shown.appendCodePoint(c);
                    }
                });
            });
            return shown.toString();
        }
    }

    /** The body of a property, run once per case. */
    @FunctionalInterface
    interface Body {
        void check(Trial trial) throws Exception;
    }

    /** Counts events over all cases of a property, to check that the generators reach what they should. */
    static final class Tally {

        private final Map<String, Integer> counts = new TreeMap<>();
        private final Map<String, Double> required = new LinkedHashMap<>();
        private int cases;
        private boolean incomplete;

        /** Notes that an event happened in the current case; call at most once per case per event. */
        void count(String event) {
            counts.merge(event, 1, Integer::sum);
        }

        void count(String event, boolean happened) {
            if (happened) {
                count(event);
            }
        }

        /** Requires the event in at least that percentage of cases. */
        Tally require(String event, double minPercent) {
            required.put(event, minPercent);
            return this;
        }

        private void caseDone() {
            cases++;
        }

        private void check() {
            List<String> missed = new ArrayList<>();
            required.forEach((event, min) -> {
                double percent = 100.0 * counts.getOrDefault(event, 0) / Math.max(cases, 1);
                if (percent < min) {
                    missed.add(String.format("%s in %.1f%% of cases, less than %.1f%%", event, percent, min));
                }
            });
            if (!missed.isEmpty()) {
                throw new AssertionError("generators too weak: " + String.join("; ", missed) + " (" + this + ")");
            }
        }

        @Override
        public String toString() {
            return cases + " cases " + counts;
        }
    }

    /**
     * A property as dynamic tests: the cases in batches, then a check of the tally, if any and if
     * there are enough cases to judge it. A failing case fails its batch with a message naming seed
     * and case (the batch's remaining cases are not run, and the tally is not judged); a batch that
     * takes longer than {@link #BATCH_TIMEOUT} fails naming the case that hung.
     */
    static Stream<DynamicTest> property(String name, int cases, Tally tally, Body body) {
        int count = Integer.getInteger(CASES_PROPERTY, cases);
        String only = System.getProperty(CASE_PROPERTY);
        if (only != null && !only.isBlank()) {
            int number = Integer.parseInt(only.strip());
            return Stream.of(dynamicTest(name + " case " + number + " (seed " + SEED + ")",
                    () -> runBatch(name, number, number + 1, null, body)));
        }
        Stream<DynamicTest> batches = IntStream.iterate(0, from -> from < count, from -> from + BATCH)
                .mapToObj(from -> {
                    int to = Math.min(count, from + BATCH);
                    return dynamicTest(name + " cases " + from + "-" + (to - 1) + " (seed " + SEED + ")",
                            () -> runBatch(name, from, to, tally, body));
                });
        if (tally == null || count < MIN_CASES_FOR_COVERAGE) {
            return batches;
        }
        return Stream.concat(batches, Stream.of(dynamicTest(name + " coverage (seed " + SEED + ")", () -> {
            if (tally.incomplete) {
                Assumptions.abort("cases failed, so coverage is not judged");
            }
            try {
                tally.check();
            } catch (AssertionError e) {
                throw new AssertionError(name + ", seed " + SEED + ": " + e.getMessage() + replay(null), e);
            }
            System.out.println(name + ", seed " + SEED + ": " + tally);
        })));
    }

    private static void runBatch(String name, int from, int to, Tally tally, Body body) {
        AtomicInteger current = new AtomicInteger(from);
        try {
            runCases(name, from, to, tally, body, current);
        } catch (AssertionError e) {
            if (tally != null) {
                tally.incomplete = true;
            }
            throw e;
        }
    }

    private static void runCases(String name, int from, int to, Tally tally, Body body, AtomicInteger current) {
        assertTimeoutPreemptively(BATCH_TIMEOUT, () -> {
            for (int number = from; number < to; number++) {
                current.set(number);
                Trial trial = new Trial(caseRandom(name, number), number);
                try {
                    body.check(trial);
                } catch (Throwable e) {
                    throw new AssertionError(name + " failed at case " + number + " of seed " + SEED + replay(number)
                            + trial.notes() + "\nfailure: " + e, e);
                }
                if (tally != null) {
                    tally.caseDone();
                }
            }
        }, () -> name + " hung at case " + current.get() + " of seed " + SEED + replay(current.get()));
    }

    private static String replay(Integer number) {
        return "\nreplay with -D" + SEED_PROPERTY + "=" + SEED
                + (number == null ? "" : " (only this case: -D" + CASE_PROPERTY + "=" + number + ")");
    }

    private static long seed() {
        String given = System.getProperty(SEED_PROPERTY);
        if (given != null && !given.isBlank()) {
            return Long.parseLong(given.strip());
        }
        return new SplittableRandom().nextLong();
    }

    /** The generator of one case: depends only on seed, property and case number. */
    static RandomGenerator caseRandom(String property, int number) {
        return new SplittableRandom(mix(mix(SEED ^ mix(property.hashCode())) + number));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---------------------------------------------------------------- small helpers

    /** Picks an index with the given relative weights. */
    static int weighted(RandomGenerator random, int... weights) {
        int r = random.nextInt(IntStream.of(weights).sum());
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        throw new AssertionError();
    }

    static byte[] bytes(RandomGenerator random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static String hex(byte[] bytes) {
        return bytes.length + " bytes " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 256))
                + (bytes.length > 256 ? "..." : "");
    }

    // ---------------------------------------------------------------- numbers

    /** A u16 value, often 0, 1, 65534 or 65535. */
    static int u16(RandomGenerator random) {
        return switch (weighted(random, 1, 3)) {
            case 0 -> pick(random, 0, 1, 2, 255, 256, Wire.U16_MAX - 1, Wire.U16_MAX);
            default -> random.nextInt(Wire.U16_MAX + 1);
        };
    }

    /** Any int, often 0, ±1, the extremes or values around a byte or u16 boundary. */
    static int int32(RandomGenerator random) {
        return switch (weighted(random, 1, 1, 2)) {
            case 0 -> pick(random, 0, 1, -1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1,
                    Integer.MIN_VALUE + 1, 255, 256, 65_535, 65_536);
            case 1 -> random.nextInt(-1000, 1000);
            default -> random.nextInt();
        };
    }

    /** Any long, often 0, ±1, the extremes or the int and u32 boundaries. */
    static long int64(RandomGenerator random) {
        return switch (weighted(random, 1, 1, 2)) {
            case 0 -> {
                long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
                        Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF_FFFFL, 0x1_0000_0000L};
                yield edges[random.nextInt(edges.length)];
            }
            case 1 -> random.nextLong(-1000, 1000);
            default -> random.nextLong();
        };
    }

    /** A value for a frame's length field, read as a u32: often at or next to a limit. */
    static int lengthField(RandomGenerator random) {
        return switch (weighted(random, 3, 4, 4, 2, 1)) {
            case 0 -> edgeLength(random);
            case 1 -> pick(random, Frame.MIN_FRAME_LENGTH, 13);
            case 2 -> random.nextInt(Frame.MIN_FRAME_LENGTH, 41);
            case 3 -> random.nextInt(Frame.MIN_FRAME_LENGTH, 20_001);
            default -> random.nextInt();
        };
    }

    /** A length next to a limit: 0, 1, 4, 5, the largest valid lengths and just beyond, 0xFFFFFFFF. */
    static int edgeLength(RandomGenerator random) {
        return pick(random, 0, 1, 2, 3, Frame.LENGTH_FIELD_BYTES, Frame.MIN_FRAME_LENGTH - 1, Frame.MIN_FRAME_LENGTH,
                Frame.MIN_FRAME_LENGTH + 1, Frame.MAX_FRAME_LENGTH - 1, Frame.MAX_FRAME_LENGTH,
                Frame.MAX_FRAME_LENGTH + 1, Frame.MAX_FRAME_BYTES, Integer.MAX_VALUE, Integer.MIN_VALUE,
                0xFFFF_FFFE, 0xFFFF_FFFF);
    }

    /** A type byte, 0 to 255: often a known type, ping or pong, or one of 0, 6, 127, 128, 255. */
    static int typeByte(RandomGenerator random) {
        return switch (weighted(random, 2, 4, 1, 1)) {
            case 0 -> pick(random, MessageType.PING.code(), MessageType.PONG.code());
            case 1 -> random.nextInt(1, MessageType.values().length + 1);
            case 2 -> pick(random, 0, MessageType.values().length + 1, 127, 128, 255);
            default -> random.nextInt(256);
        };
    }

    private static long pick(RandomGenerator random, long... values) {
        return values[random.nextInt(values.length)];
    }

    private static int pick(RandomGenerator random, int... values) {
        return values[random.nextInt(values.length)];
    }

    // ---------------------------------------------------------------- text and messages

    /**
     * A well-formed string: ASCII (control characters and NUL included), other BMP characters
     * (Chinese often), supplementary ones (emoji often). Usually short, sometimes hundreds of
     * characters, sometimes filled to within a few bytes of {@link Frame#MAX_STRING_BYTES} in UTF-8.
     */
    static String text(RandomGenerator random) {
        if (random.nextInt(40) == 0) {
            return ""; // messages without strings made empty ones too rare by chance alone
        }
        int maxBytes = switch (weighted(random, 12, 3, 1)) {
            case 0 -> 40;
            case 1 -> random.nextInt(1000);
            default -> Frame.MAX_STRING_BYTES - random.nextInt(4);
        };
        boolean fill = maxBytes > 40 && random.nextBoolean();
        int target = fill ? maxBytes : random.nextInt(maxBytes + 1);
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        while (true) {
            int codePoint = codePoint(random);
            int size = utf8Length(codePoint);
            if (bytes + size > target) {
                if (fill && target - bytes > 0) {
                    text.append("a".repeat(target - bytes));
                }
                return text.toString();
            }
            text.appendCodePoint(codePoint);
            bytes += size;
        }
    }

    private static int codePoint(RandomGenerator random) {
        return switch (weighted(random, 4, 1, 2, 2, 1, 1)) {
            case 0 -> random.nextInt(0x80);
            case 1 -> pick(random, 0x00, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFF,
                    0x10000, 0x10FFFF);
            case 2 -> random.nextInt(0x4E00, 0xA000);
            case 3 -> random.nextInt(0x1F300, 0x1FB00);
            case 4 -> {
                int c = random.nextInt(0x80, 0x10000 - 0x800);
                yield c < 0xD800 ? c : c + 0x800;
            }
            default -> random.nextInt(0x10000, 0x110000);
        };
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    /** A message of any type with edge-biased fields. */
    static Message message(RandomGenerator random) {
        return switch (random.nextInt(41)) {
            case 0 -> new Hello(u16(random), u16(random), text(random));
            case 1 -> new Welcome(u16(random), u16(random), text(random), int32(random), int64(random));
            case 2 -> new ErrorReply(int32(random), text(random));
            case 3 -> new Ping(int64(random));
            case 4 -> new Pong(int64(random));
            case 5 -> new GetRequest(text(random), size(random));
            case 6 -> {
                long size = size(random);
                long offset = size == 0 || random.nextInt(4) == 0 ? size : random.nextLong(size);
                yield new FileHeader(text(random), size, offset);
            }
            case 7 -> new PutRequest(text(random), size(random));
            case 8 -> new PutReady(size(random));
            case 9 -> new PutDone(size(random));
            case 10 -> new Login(text(random), random.nextInt(256), text(random));
            case 11 -> new LoginOk(text(random), text(random), size(random));
            case 12 -> new Register(text(random), text(random));
            case 13 -> new Logout();
            case 14 -> new Done(size(random));
            case 15 -> new ListRequest(text(random));
            case 16 -> new Listing(random.nextBoolean(), entries(random));
            case 17 -> new StatRequest(text(random));
            case 18 -> new EntryReply(text(random), entry(random));
            case 19 -> new MkdirRequest(text(random), random.nextBoolean());
            case 20 -> new RemoveRequest(text(random), random.nextBoolean());
            case 21 -> new MoveRequest(text(random), text(random));
            case 22 -> new CopyRequest(text(random), text(random));
            case 23 -> new UsageRequest();
            case 24 -> new PutFile(text(random), size(random), text(random));
            case 25 -> new ProveContent(text(random), ranges(random));
            case 26 -> new ContentProof(texts(random));
            case 27 -> new PutStored(size(random), text(random), random.nextBoolean());
            case 28 -> new GetFile(text(random), size(random));
            case 29 -> {
                long size = size(random);
                long offset = size == 0 || random.nextInt(4) == 0 ? size : random.nextLong(size);
                yield new FileInfo(text(random), size, offset, text(random));
            }
            case 30 -> new PutResume(size(random), text(random));
            case 31 -> new ResumeFrom(size(random), text(random));
            case 32 -> new GetFrom(text(random), size(random), text(random));
            case 33 -> {
                long size = size(random);
                long offset = size == 0 || random.nextInt(4) == 0 ? size : random.nextLong(size);
                yield new FilePart(text(random), size, offset, text(random), text(random));
            }
            case 34 -> new TicketRequest();
            case 35 -> new Ticket(text(random), size(random));
            case 36 -> {
                byte[] content = new byte[random.nextInt(4) == 0 ? PutInline.MAX_CONTENT - random.nextInt(2)
                        : random.nextInt(64)];
                random.nextBytes(content);
                yield new PutInline(text(random), text(random), content);
            }
            case 37 -> new PutStream(text(random), size(random));
            case 38 -> new HashFirst();
            case 39 -> new PutHash(text(random));
            default -> new UsageReply(size(random), size(random),
                    random.nextBoolean() ? UsageReply.NO_QUOTA : size(random), size(random));
        };
    }

    private static List<ProveContent.Range> ranges(RandomGenerator random) {
        List<ProveContent.Range> ranges = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            ranges.add(new ProveContent.Range(size(random), size(random)));
        }
        return ranges;
    }

    /** Up to four strings: few enough that they always fit in one frame. */
    private static List<String> texts(RandomGenerator random) {
        List<String> texts = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            texts.add(text(random));
        }
        return texts;
    }

    /** Up to four entries: few enough that their random strings always fit in one frame. */
    private static List<Entry> entries(RandomGenerator random) {
        List<Entry> entries = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            entries.add(entry(random));
        }
        return entries;
    }

    private static Entry entry(RandomGenerator random) {
        return new Entry(text(random), random.nextBoolean() ? Entry.DIRECTORY : Entry.FILE, size(random),
                size(random), text(random));
    }

    /** A size or offset: 0..2^63-1, biased to the edges (0, 1, 2^31, 2^32, 5 GiB, 2^63-1). */
    static long size(RandomGenerator random) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, 0L, 1L, (1L << 31) - 1, 1L << 31, 1L << 32, 5L << 30, Long.MAX_VALUE - 1,
                    Long.MAX_VALUE);
            case 1 -> random.nextLong(1 << 20);
            default -> random.nextLong(Long.MAX_VALUE);
        };
    }

    static Frame frame(RandomGenerator random) {
        return new Frame(int32(random), message(random));
    }

    static List<Frame> frames(RandomGenerator random, int min, int max) {
        List<Frame> frames = new ArrayList<>();
        for (int n = random.nextInt(min, max + 1); n > 0; n--) {
            frames.add(frame(random));
        }
        return frames;
    }

    // ---------------------------------------------------------------- byte streams

    /** Bytes a peer might send: plain noise, or pieces that look like frames, some of them valid. */
    static byte[] stream(RandomGenerator random) {
        if (weighted(random, 1, 3) == 0) {
            int length = random.nextBoolean() ? pick(random, 0, 1, 3, 4, 5, 8, 9, 13) : random.nextInt(301);
            return bytes(random, length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int parts = random.nextInt(6); parts > 0; parts--) {
            out.writeBytes(random.nextInt(5) == 0 ? TestFrames.bytes(frame(random)) : plausibleFrame(random));
        }
        return out.toByteArray();
    }

    /**
     * A length field that is often valid, a type that is often known, and a body of roughly that
     * length, so that random streams also hold whole frames. Bodies are cut at 20,000 bytes, except
     * now and then a body of the full length, up to a maximal frame.
     */
    static byte[] plausibleFrame(RandomGenerator random) {
        int length = lengthField(random);
        int slack = random.nextInt(5) == 0 ? random.nextInt(-8, 9) : 0;
        int cap = random.nextInt(8) == 0 ? Frame.MAX_FRAME_LENGTH : 20_000;
        int bodyLength = Math.clamp(Math.min(Integer.toUnsignedLong(length), cap) + slack, 0, cap);
        byte[] body = bytes(random, bodyLength);
        if (body.length > 0) {
            body[0] = (byte) typeByte(random);
        }
        return TestFrames.concat(ByteBuffer.allocate(Frame.LENGTH_FIELD_BYTES).putInt(length).array(), body);
    }

    /** A stream after damage: its bytes and what was done, for a failure message. */
    record Damaged(byte[] bytes, List<String> changes) {
    }

    /**
     * Damages the encoding of frames: none to four changes among overwritten bytes (random or
     * edge values), edge or off-by-a-few length fields, random type bytes, inserted and deleted
     * bytes; then, one time in four, a cut, often at or next to a frame boundary.
     */
    static Damaged damage(RandomGenerator random, List<Frame> frames) {
        List<Integer> starts = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            starts.add(out.size());
            out.writeBytes(TestFrames.bytes(frame));
        }
        byte[] stream = out.toByteArray();
        List<String> changes = new ArrayList<>();
        for (int n = weighted(random, 2, 3, 2, 1, 1); n > 0 && stream.length > 0; n--) {
            int at = random.nextInt(stream.length);
            int start = Math.min(starts.get(random.nextInt(starts.size())), stream.length - 1);
            switch (random.nextInt(7)) {
                case 0 -> {
                    stream[at] = (byte) random.nextInt(256);
                    changes.add("byte " + at + " := " + stream[at]);
                }
                case 1 -> {
                    stream[at] = (byte) EDGE_BYTES[random.nextInt(EDGE_BYTES.length)];
                    changes.add("byte " + at + " := " + stream[at]);
                }
                case 2 -> {
                    int length = edgeLength(random);
                    putInt(stream, start, length);
                    changes.add("length at " + start + " := " + Integer.toUnsignedString(length));
                }
                case 3 -> {
                    int delta = random.nextBoolean() ? 1 - 2 * random.nextInt(2) : random.nextInt(-4, 5);
                    int length = getInt(stream, start) + delta;
                    putInt(stream, start, length);
                    changes.add("length at " + start + " += " + delta);
                }
                case 4 -> {
                    int type = start + Frame.LENGTH_FIELD_BYTES < stream.length ? start + Frame.LENGTH_FIELD_BYTES : at;
                    stream[type] = (byte) random.nextInt(256);
                    changes.add("type at " + type + " := " + Byte.toUnsignedInt(stream[type]));
                }
                case 5 -> {
                    int where = random.nextInt(stream.length + 1);
                    byte[] inserted = bytes(random, random.nextInt(1, 9));
                    stream = TestFrames.concat(Arrays.copyOf(stream, where), inserted,
                            Arrays.copyOfRange(stream, where, stream.length));
                    changes.add("insert " + HexFormat.of().formatHex(inserted) + " at " + where);
                }
                default -> {
                    int count = Math.min(random.nextInt(1, 9), stream.length - at);
                    stream = TestFrames.concat(Arrays.copyOf(stream, at),
                            Arrays.copyOfRange(stream, at + count, stream.length));
                    changes.add("delete " + count + " at " + at);
                }
            }
        }
        if (random.nextInt(4) == 0) {
            int cut = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(stream.length + 1);
                case 1 -> starts.get(random.nextInt(starts.size())) + random.nextInt(-1, Frame.LENGTH_FIELD_BYTES + 2);
                default -> stream.length - random.nextInt(1, 3);
            };
            cut = Math.clamp(cut, 0, stream.length);
            stream = Arrays.copyOf(stream, cut);
            changes.add("cut at " + cut);
        }
        return new Damaged(stream, changes);
    }

    private static int getInt(byte[] bytes, int at) {
        int value = 0;
        for (int i = 0; i < Frame.LENGTH_FIELD_BYTES; i++) {
            value = value << 8 | (at + i < bytes.length ? Byte.toUnsignedInt(bytes[at + i]) : 0);
        }
        return value;
    }

    /** Writes a big-endian int, as much of it as fits before the end. */
    private static void putInt(byte[] bytes, int at, int value) {
        for (int i = 0; i < Frame.LENGTH_FIELD_BYTES && at + i < bytes.length; i++) {
            bytes[at + i] = (byte) (value >>> (24 - 8 * i));
        }
    }
}
