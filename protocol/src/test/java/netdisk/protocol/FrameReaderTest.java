package netdisk.protocol;

import static netdisk.protocol.TestFrames.hex;
import static netdisk.protocol.TestFrames.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameReaderTest {

    static Stream<Frame> samples() {
        return TestFrames.samples().stream();
    }

    @Test
    void readsEveryFrameOneByteAtATimeThenNull() throws IOException {
        List<Frame> frames = new ArrayList<>(TestFrames.samples());
        frames.addAll(TestFrames.largeSamples());
        frames.addAll(TestFrames.samples());
        ChunkedChannel channel = ChunkedChannel.oneByteAtATime(TestFrames.bytes(frames));
        FrameReader reader = new FrameReader(channel);

        for (Frame frame : frames) {
            assertThat(reader.read()).isEqualTo(frame);
            assertThat(reader.buffered()).as("one byte per read leaves nothing extra").isZero();
        }
        assertThat(reader.read()).isNull();
        assertThat(reader.capacity()).isBetween(65_550, Frame.MAX_FRAME_BYTES);
    }

    @Test
    void readsFramesThatArriveTogether() throws IOException {
        List<Frame> frames = TestFrames.samples();
        FrameReader reader = new FrameReader(ChunkedChannel.whole(TestFrames.bytes(frames)));
        List<Frame> read = new ArrayList<>();
        for (Frame frame = reader.read(); frame != null; frame = reader.read()) {
            read.add(frame);
        }
        assertThat(read).isEqualTo(frames);
    }

    @Test
    void hasFrameTellsWhenAWholeFrameIsBuffered() throws IOException {
        Frame first = new Frame(1, new Ping(1));
        Frame second = new Frame(2, new Hello(1, 0, "client"));
        int firstLength = TestFrames.bytes(first).length;
        int total = TestFrames.bytes(java.util.List.of(first, second)).length;
        FrameReader reader = new FrameReader(ChunkedChannel.oneByteAtATime(
                TestFrames.bytes(java.util.List.of(first, second))));

        assertThat(reader.hasFrame()).isFalse();
        for (int received = 1; received <= total; received++) {
            reader.readAvailable(1);
            assertThat(reader.hasFrame()).as("%d bytes received", received).isEqualTo(received >= firstLength);
        }
        assertThat(reader.read()).isEqualTo(first);
        assertThat(reader.hasFrame()).as("the second is whole").isTrue();
        assertThat(reader.read()).isEqualTo(second);
        assertThat(reader.hasFrame()).isFalse();
    }

    @Test
    void pollReadsAtMostOnceAndKeepsPartialFramesForLater() throws IOException {
        Frame first = new Frame(1, new Ping(1));
        byte[] bytes = TestFrames.bytes(first);
        FrameReader reader = new FrameReader(ChunkedChannel.randomChunks(bytes, new java.util.Random(3)));
        Frame polled = null;
        int polls = 0;
        while (polled == null && polls < bytes.length) {
            polled = reader.poll();
            polls++;
        }
        assertThat(polled).isEqualTo(first);
        assertThat(reader.poll()).as("nothing more").isNull();

        FrameReader whole = new FrameReader(ChunkedChannel.whole(TestFrames.bytes(java.util.List.of(first, first))));
        assertThat(whole.poll()).isEqualTo(first);
        assertThat(whole.poll()).as("the second frame came with the first read").isEqualTo(first);
    }

    @Test
    void rawBytesAfterAHeaderFrameAreHandedOutBeforeTheChannelIsRead() throws IOException {
        Frame header = new Frame(4, new FileHeader("f", 6, 0));
        Frame next = new Frame(5, new Pong(5));
        byte[] stream = TestFrames.concat(TestFrames.bytes(header), new byte[] {1, 2, 3, 4, 5, 6},
                TestFrames.bytes(next));
        FrameReader reader = new FrameReader(ChunkedChannel.whole(stream));
        assertThat(reader.read()).isEqualTo(header);
        ByteBuffer content = ByteBuffer.allocate(6);
        assertThat(reader.readBuffered(content.limit(4))).isEqualTo(4);
        assertThat(reader.readBuffered(content.limit(6))).isEqualTo(2);
        assertThat(content.array()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(reader.read()).isEqualTo(next);
        assertThat(reader.readBuffered(ByteBuffer.allocate(8))).isZero();
        assertThat(reader.read()).isNull();
    }

    @Test
    void bufferedCountsBytesOfFramesNotYetReturned() throws IOException {
        Frame first = new Frame(1, new Ping(1));
        Frame second = new Frame(2, new Hello(1, 0, "c"));
        byte[] secondBytes = TestFrames.bytes(second);
        FrameReader reader =
                new FrameReader(ChunkedChannel.whole(TestFrames.concat(TestFrames.bytes(first), secondBytes)));

        assertThat(reader.buffered()).isZero();
        assertThat(reader.read()).isEqualTo(first);
        assertThat(reader.buffered()).isEqualTo(secondBytes.length);
        assertThat(reader.read()).isEqualTo(second);
        assertThat(reader.buffered()).isZero();
    }

    @Test
    void bufferedIsRightWhenTheChannelAsksFromInsideARead() throws IOException {
        Frame frame = new Frame(1, new Ping(1));
        ChunkedChannel bytes = ChunkedChannel.oneByteAtATime(TestFrames.bytes(List.of(frame, frame)));
        List<Integer> seen = new ArrayList<>();
        FrameReader[] reader = new FrameReader[1];
        reader[0] = new FrameReader(new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                seen.add(reader[0].buffered());
                return bytes.read(dst);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        });

        assertThat(reader[0].read()).isEqualTo(frame);
        assertThat(reader[0].read()).isEqualTo(frame);
        assertThat(reader[0].read()).isNull();
        List<Integer> expected = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            IntStream.range(0, 17).forEach(expected::add);
        }
        expected.add(0);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aFailedReadKeepsWhatWasReceived() throws IOException {
        Frame frame = new Frame(1, new Welcome(1, 0, "server", 2, 3));
        ChunkedChannel bytes = ChunkedChannel.randomChunks(TestFrames.bytes(frame), new java.util.Random(7));
        int[] calls = {0};
        FrameReader reader = new FrameReader(new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (++calls[0] % 2 == 0) {
                    throw new SocketTimeoutException("read timed out");
                }
                return bytes.read(dst);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        });

        Frame read = null;
        for (int attempt = 0; read == null && attempt < 100; attempt++) {
            try {
                read = reader.read();
            } catch (SocketTimeoutException e) {
                assertThat(reader.buffered()).isEqualTo(bytes.delivered());
            }
        }
        assertThat(read).isEqualTo(frame);
    }

    @Test
    void cleanEndOfStreamIsNullAndStaysNull() throws IOException {
        FrameReader empty = new FrameReader(ChunkedChannel.whole(new byte[0]));
        assertThat(empty.read()).isNull();
        assertThat(empty.read()).isNull();

        FrameReader afterFrame = new FrameReader(ChunkedChannel.whole(TestFrames.bytes(new Frame(1, new Ping(1)))));
        assertThat(afterFrame.read()).isEqualTo(new Frame(1, new Ping(1)));
        assertThat(afterFrame.read()).isNull();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void endOfStreamInsideAFrameIsEof(Frame frame) {
        byte[] bytes = TestFrames.bytes(frame);
        for (int cut = 1; cut < bytes.length; cut++) {
            FrameReader reader = new FrameReader(ChunkedChannel.oneByteAtATime(Arrays.copyOf(bytes, cut)));
            assertThatThrownBy(reader::read)
                    .as("cut after %d of %d bytes", cut, bytes.length)
                    .isExactlyInstanceOf(EOFException.class)
                    .hasMessage("connection closed in the middle of a frame");
        }
    }

    @Test
    void badLengthFailsWithoutWaitingForTheBodyOrGrowing() {
        for (String length : List.of("00 10 00 01", "FF FF FF FF", "00 00 00 04", "00 00 00 00")) {
            FrameReader reader = new FrameReader(ChunkedChannel.withoutEnd(hex(length)));
            catchThrowableOfType(FrameLengthException.class, reader::read);
            assertThat(reader.capacity()).isEqualTo(FrameReader.DEFAULT_INITIAL_CAPACITY);
        }
    }

    @Test
    void aFatalLengthErrorStaysFatal() {
        FrameReader reader = new FrameReader(ChunkedChannel.withoutEnd(hex("00 10 00 01")));
        catchThrowableOfType(FrameLengthException.class, reader::read);
        catchThrowableOfType(FrameLengthException.class, reader::read);
    }

    @Test
    void growsToTheLargestFrameAndNoFurther() throws IOException {
        byte[] largest = raw(200, 5, new byte[Frame.MAX_FRAME_LENGTH - Frame.HEADER_BYTES]);
        assertThat(largest).hasSize(Frame.MAX_FRAME_BYTES);
        Frame next = new Frame(6, new Ping(6));
        FrameReader reader = new FrameReader(ChunkedChannel.randomChunks(
                TestFrames.concat(largest, TestFrames.bytes(next)), new java.util.Random(1)));

        UnknownMessageTypeException e = catchThrowableOfType(UnknownMessageTypeException.class, reader::read);
        assertThat(e.type()).isEqualTo(200);
        assertThat(e.requestId()).isEqualTo(5);
        assertThat(reader.capacity()).isEqualTo(Frame.MAX_FRAME_BYTES);
        assertThat(reader.read()).isEqualTo(next);
        assertThat(reader.read()).isNull();
        assertThat(reader.capacity()).isEqualTo(Frame.MAX_FRAME_BYTES);
    }

    @Test
    void growsOnlyWhenAValidatedLengthNeedsIt() throws IOException {
        Frame small = new Frame(1, new Ping(1));
        Frame justOver = new Frame(2, new ErrorReply(1, "x".repeat(8_192)));
        FrameReader reader = new FrameReader(ChunkedChannel.oneByteAtATime(
                TestFrames.bytes(List.of(small, small, justOver, small))));

        assertThat(reader.read()).isEqualTo(small);
        assertThat(reader.read()).isEqualTo(small);
        assertThat(reader.capacity()).isEqualTo(8_192);
        assertThat(reader.read()).isEqualTo(justOver);
        assertThat(reader.capacity()).isEqualTo(16_384);
        assertThat(reader.read()).isEqualTo(small);
        assertThat(reader.read()).isNull();
    }

    @Test
    void aTinyInitialBufferGrowsToTheFrame() throws IOException {
        Frame frame = new Frame(1, new Ping(1));
        FrameReader reader = new FrameReader(ChunkedChannel.whole(TestFrames.bytes(List.of(frame, frame))), 4);
        assertThat(reader.read()).isEqualTo(frame);
        assertThat(reader.capacity()).isEqualTo(17);
        assertThat(reader.read()).isEqualTo(frame);
        assertThat(reader.read()).isNull();
    }

    @Test
    void carriesOnAfterRecoverableErrors() throws IOException {
        Frame good = new Frame(3, new Pong(3));
        byte[] stream = TestFrames.concat(
                raw(200, 1, new byte[0]),
                raw(4, 2, hex("01 02")),
                TestFrames.bytes(good));
        FrameReader reader = new FrameReader(ChunkedChannel.oneByteAtATime(stream));

        assertThat(catchThrowableOfType(UnknownMessageTypeException.class, reader::read).requestId()).isEqualTo(1);
        assertThat(catchThrowableOfType(MalformedFrameException.class, reader::read).requestId()).isEqualTo(2);
        assertThat(reader.read()).isEqualTo(good);
        assertThat(reader.read()).isNull();
    }

    @Test
    void initialCapacityIsChecked() {
        ChunkedChannel channel = ChunkedChannel.whole(new byte[0]);
        assertThatThrownBy(() -> new FrameReader(channel, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameReader(channel, Frame.MAX_FRAME_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameReader(null)).hasMessage("channel");
    }

    @Test
    void pipelinedFramesOfOneTypeAreTakenFromTheBufferAndTheRestIsLeftForRead() throws Exception {
        List<Frame> frames = List.of(
                new Frame(1, new PutInline("/a", "", new byte[] {1})),
                new Frame(2, new PutInline("/b", "", new byte[3000])),
                new Frame(3, new Ping(3)),
                new Frame(4, new PutInline("/c", "", new byte[0])));
        FrameReader reader = new FrameReader(ChunkedChannel.whole(TestFrames.bytes(frames)), 16);

        assertThat(reader.nextBuffered(MessageType.PUT_INLINE)).as("nothing read yet").isNull();
        assertThat(reader.readAvailable(1 << 20)).isEqualTo(TestFrames.bytes(frames).length);
        assertThat(reader.nextBuffered(MessageType.PUT_INLINE)).isEqualTo(frames.get(0));
        assertThat(reader.nextBuffered(MessageType.PUT_INLINE)).isEqualTo(frames.get(1));
        assertThat(reader.nextBuffered(MessageType.PUT_INLINE)).as("a Ping is next").isNull();
        assertThat(reader.read()).isEqualTo(frames.get(2));
        assertThat(reader.nextBuffered(MessageType.PUT_INLINE)).isEqualTo(frames.get(3));
        assertThat(reader.read()).isNull();
    }

    @Test
    void anIncompleteOrBrokenPipelinedFrameStaysForRead() throws Exception {
        byte[] whole = TestFrames.bytes(new Frame(1, new PutInline("/a", "", new byte[10])));
        FrameReader partial = new FrameReader(ChunkedChannel.whole(java.util.Arrays.copyOf(whole, whole.length - 1)));
        partial.readAvailable(64);
        assertThat(partial.nextBuffered(MessageType.PUT_INLINE)).isNull();
        assertThat(partial.buffered()).isEqualTo(whole.length - 1);

        byte[] broken = whole.clone();
        broken[broken.length - 11 - 4] = 0x7F; // the content's length field: far more than the frame holds
        FrameReader reader = new FrameReader(ChunkedChannel.whole(broken));
        reader.readAvailable(64);
        assertThat(reader.nextBuffered(MessageType.PUT_INLINE)).isNull();
        assertThat(reader.buffered()).as("nothing consumed").isEqualTo(broken.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(reader::read).isInstanceOf(MalformedFrameException.class);
    }
}
