package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FrameWriterTest {

    @Test
    void writesEveryFrameWholeThroughAChannelThatTakesOneByteAtATime() throws IOException {
        List<Frame> frames = new ArrayList<>(TestFrames.samples());
        frames.addAll(TestFrames.largeSamples());
        frames.addAll(TestFrames.samples());
        TrickleChannel channel = new TrickleChannel(1);
        FrameWriter writer = new FrameWriter(channel);

        for (Frame frame : frames) {
            writer.write(frame);
        }
        assertThat(channel.bytes()).isEqualTo(TestFrames.bytes(frames));
    }

    @Test
    void aRefusedFrameWritesNothingAndTheWriterCarriesOn() throws IOException {
        TrickleChannel channel = new TrickleChannel(7);
        FrameWriter writer = new FrameWriter(channel);

        assertThatThrownBy(() -> writer.write(new Frame(1, new Hello(1, 0, TestFrames.LONGEST_ASCII + "x"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(channel.bytes()).isEmpty();
        writer.write(new Frame(2, new Ping(2)));
        assertThat(channel.bytes()).isEqualTo(TestFrames.bytes(new Frame(2, new Ping(2))));
    }

    @Test
    void concurrentWritersNeverInterleaveFrames() throws Exception {
        int threads = 8;
        int perThread = 200;
        TrickleChannel channel = new TrickleChannel(3);
        FrameWriter writer = new FrameWriter(channel);
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        writer.write(new Frame(thread, new ErrorReply(i, "thread " + thread + " frame " + i)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        }

        ByteBuffer in = ByteBuffer.wrap(channel.bytes());
        Map<Integer, Integer> nextPerThread = new HashMap<>();
        for (int n = 0; n < threads * perThread; n++) {
            Frame frame = FrameDecoder.decode(in).orElseThrow();
            int thread = frame.requestId();
            int i = nextPerThread.merge(thread, 1, Integer::sum) - 1;
            assertThat(frame.message()).isEqualTo(new ErrorReply(i, "thread " + thread + " frame " + i));
        }
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> new FrameWriter(null)).hasMessage("channel");
        assertThatThrownBy(() -> new FrameWriter(new TrickleChannel(1)).write(null)).hasMessage("frame");
    }

    /** Accepts at most a few bytes per write, like a socket with a full send buffer, and yields to other threads. */
    @Test
    void writesAFrameAndTheContentBehindItWholeThroughGatheringAndPlainChannels() throws IOException {
        byte[] content = new byte[5000];
        new java.util.Random(7).nextBytes(content);
        Frame header = new Frame(3, new FileHeader("small.bin", content.length, 0));
        Frame next = new Frame(4, new Ping(4));
        for (int perWrite : new int[] {1, 7, 100_000}) {
            for (TrickleChannel channel : List.of(new TrickleChannel(perWrite), new GatheringTrickleChannel(perWrite))) {
                FrameWriter writer = new FrameWriter(channel);
                writer.write(header, ByteBuffer.wrap(content));
                writer.write(next);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.writeBytes(TestFrames.bytes(header));
                expected.writeBytes(content);
                expected.writeBytes(TestFrames.bytes(next));
                assertThat(channel.bytes()).as("%s, %d bytes per write", channel.getClass().getSimpleName(), perWrite)
                        .isEqualTo(expected.toByteArray());
            }
        }
    }

    @Test
    void heldFramesGoOutBeforeTheNextWriteInOrderAndInOneGatheringCall() throws IOException {
        byte[] content = new byte[4096];
        new java.util.Random(11).nextBytes(content);
        Frame first = new Frame(1, new Ping(1));
        Frame header = new Frame(2, new FileHeader("small.bin", content.length, 0));
        Frame last = new Frame(3, new Pong(3));
        var channel = new GatheringTrickleChannel(1 << 20);
        FrameWriter writer = new FrameWriter(channel);

        writer.hold(first);
        writer.hold(header, ByteBuffer.wrap(content));
        assertThat(channel.bytes()).isEmpty();
        assertThat(writer.holding()).isTrue();
        writer.write(last);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(TestFrames.bytes(first));
        expected.writeBytes(TestFrames.bytes(header));
        expected.writeBytes(content);
        expected.writeBytes(TestFrames.bytes(last));
        assertThat(channel.bytes()).isEqualTo(expected.toByteArray());
        assertThat(channel.calls).isEqualTo(1);
        assertThat(writer.holding()).isFalse();
    }

    @Test
    void flushWritesWhatIsHeldAndAFlushWithNothingHeldWritesNothing() throws IOException {
        var channel = new GatheringTrickleChannel(1 << 20);
        FrameWriter writer = new FrameWriter(channel);

        writer.flush();
        assertThat(channel.calls).isZero();
        writer.hold(new Frame(1, new Ping(1)));
        writer.hold(new Frame(2, new Ping(2)));
        writer.flush();
        writer.flush();

        assertThat(channel.bytes()).isEqualTo(TestFrames.bytes(List.of(new Frame(1, new Ping(1)),
                new Frame(2, new Ping(2)))));
        assertThat(channel.calls).isEqualTo(1);
    }

    @Test
    void holdingStopsAtTheLimitAndWritesEverythingHeldAtOnce() throws IOException {
        var channel = new GatheringTrickleChannel(1 << 20);
        FrameWriter writer = new FrameWriter(channel);
        byte[] content = new byte[10_000];
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int held = 0;
        int id = 1;
        while (true) {
            Frame header = new Frame(id++, new FileHeader("f", content.length, 0));
            writer.hold(header, ByteBuffer.wrap(content));
            expected.writeBytes(TestFrames.bytes(header));
            expected.writeBytes(content);
            held += TestFrames.bytes(header).length + content.length;
            if (held >= FrameWriter.HOLD_LIMIT) {
                break;
            }
            assertThat(channel.bytes()).isEmpty();
        }
        assertThat(writer.holding()).isFalse();
        assertThat(channel.bytes()).isEqualTo(expected.toByteArray());
        assertThat(channel.calls).isEqualTo(1);
    }

    /** Random mixes of held and written frames, with and without content, flushes, and frames the encoder refuses. */
    @Test
    void anyMixOfHoldsWritesAndFlushesSendsEveryAcceptedFrameInOrder() throws IOException {
        var random = new java.util.Random(2026_11_29L);
        List<Frame> samples = TestFrames.samples();
        Frame refused = new Frame(9, new Hello(1, 0, TestFrames.LONGEST_ASCII + "x"));
        for (int round = 0; round < 300; round++) {
            int perWrite = random.nextBoolean() ? 1 + random.nextInt(50) : 1 << 20;
            TrickleChannel channel = random.nextBoolean() ? new GatheringTrickleChannel(perWrite)
                    : new TrickleChannel(perWrite);
            FrameWriter writer = new FrameWriter(channel);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int op = 0, ops = random.nextInt(30); op < ops; op++) {
                int kind = random.nextInt(10);
                if (kind == 0) {
                    writer.flush();
                    continue;
                }
                if (kind == 1) {
                    boolean hold = random.nextBoolean();
                    assertThatThrownBy(() -> {
                        if (hold) {
                            writer.hold(refused);
                        } else {
                            writer.write(refused);
                        }
                    }).isInstanceOf(IllegalArgumentException.class);
                    continue;
                }
                Frame frame = samples.get(random.nextInt(samples.size()));
                byte[] content = new byte[random.nextBoolean() ? 0 : random.nextInt(20_000)];
                random.nextBytes(content);
                expected.writeBytes(TestFrames.bytes(frame));
                expected.writeBytes(content);
                boolean withContent = content.length > 0 || random.nextBoolean();
                if (kind < 7) {
                    if (withContent) {
                        writer.hold(frame, ByteBuffer.wrap(content));
                    } else {
                        writer.hold(frame);
                    }
                } else if (withContent) {
                    writer.write(frame, ByteBuffer.wrap(content));
                } else {
                    writer.write(frame);
                }
            }
            writer.flush();
            assertThat(channel.bytes()).as("round %d", round).isEqualTo(expected.toByteArray());
        }
    }

    /** Takes at most {@code maxPerWrite} bytes per call, from as many buffers as it takes. */
    private static final class GatheringTrickleChannel extends TrickleChannel implements GatheringByteChannel {

        GatheringTrickleChannel(int maxPerWrite) {
            super(maxPerWrite);
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            calls++;
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer source = sources[i];
                if (source.hasRemaining() && total < maxPerWrite) {
                    ByteBuffer part = source.slice(source.position(),
                            (int) Math.min(source.remaining(), maxPerWrite - total));
                    int n = take(part);
                    source.position(source.position() + n);
                    total += n;
                }
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] sources) {
            return write(sources, 0, sources.length);
        }
    }

    private static class TrickleChannel implements WritableByteChannel {

        final int maxPerWrite;
        /** Write calls made on the channel (a gathering call counts once). */
        int calls;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        TrickleChannel(int maxPerWrite) {
            this.maxPerWrite = maxPerWrite;
        }

        @Override
        public int write(ByteBuffer src) {
            calls++;
            return take(src);
        }

        /** Takes up to {@code maxPerWrite} bytes of {@code src}. */
        int take(ByteBuffer src) {
            int n = Math.min(maxPerWrite, src.remaining());
            byte[] chunk = new byte[n];
            src.get(chunk);
            synchronized (written) {
                written.writeBytes(chunk);
            }
            Thread.yield();
            return n;
        }

        byte[] bytes() {
            synchronized (written) {
                return written.toByteArray();
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
