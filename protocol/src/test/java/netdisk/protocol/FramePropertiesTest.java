package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import netdisk.protocol.RandomFrames.Damaged;
import netdisk.protocol.RandomFrames.Tally;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Properties over generated input: whatever bytes arrive, in whatever pieces, a reader ends each
 * read with a frame, {@code null}, an {@link EOFException} or a {@link ProtocolException} and
 * nothing else, never hangs and never holds more than one maximal frame; and every message that can
 * be built survives encoding and decoding unchanged.
 *
 * <p>Input comes from {@link RandomFrames}, seeded: a failure names its seed and case, to be
 * replayed with {@code -Dnetdisk.test.seed=<seed>} (and {@code -Dnetdisk.test.case=<case>}).
 */
class FramePropertiesTest {

    private static final int CASES = 2_000;

    @TestFactory
    Stream<DynamicTest> anyBytesEndInFramesNullEofOrProtocolError() {
        Tally tally = new Tally();
        for (Ending ending : Ending.values()) {
            tally.require("ending " + ending, 5);
        }
        tally.require("frames", 2).require("skipped unknown type", 5).require("skipped malformed", 5)
                .require("buffer grown to a maximal frame", 0.5);
        return RandomFrames.property("any bytes", CASES, tally, trial -> {
            byte[] stream = RandomFrames.stream(trial.random());
            trial.note("stream", RandomFrames.hex(stream));
            Outcome outcome = readAll(stream, trial.random());
            tally.count("ending " + outcome.ending());
            tally.count("frames", !outcome.frames().isEmpty());
            tally.count("skipped unknown type", outcome.recoverable().contains("UnknownMessageTypeException"));
            tally.count("skipped malformed", outcome.recoverable().contains("MalformedFrameException"));
            tally.count("buffer grown to a maximal frame", outcome.capacity() == Frame.MAX_FRAME_BYTES);
        });
    }

    @TestFactory
    Stream<DynamicTest> damagedFramesEndInFramesNullEofOrProtocolError() {
        Tally tally = new Tally();
        for (Ending ending : Ending.values()) {
            tally.require("ending " + ending, 5);
        }
        tally.require("undamaged", 5).require("skipped unknown type", 2).require("skipped malformed", 5);
        return RandomFrames.property("damaged frames", CASES, tally, trial -> {
            List<Frame> frames = RandomFrames.frames(trial.random(), 1, 6);
            Damaged damaged = RandomFrames.damage(trial.random(), frames);
            trial.note("frames", frames);
            trial.note("changes", damaged.changes());
            trial.note("stream", RandomFrames.hex(damaged.bytes()));

            Outcome outcome = readAll(damaged.bytes(), trial.random());
            tally.count("ending " + outcome.ending());
            tally.count("undamaged", damaged.changes().isEmpty());
            tally.count("skipped unknown type", outcome.recoverable().contains("UnknownMessageTypeException"));
            tally.count("skipped malformed", outcome.recoverable().contains("MalformedFrameException"));
            if (damaged.changes().isEmpty()) {
                assertThat(outcome.frames()).isEqualTo(frames);
                assertThat(outcome.ending()).isEqualTo(Ending.END_OF_STREAM);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyFrameSurvivesEncodingAndDecoding() {
        Tally tally = new Tally();
        for (MessageType type : MessageType.values()) {
            tally.require(type.name(), 50.0 / MessageType.values().length);
        }
        tally.require("empty string", 0.5).require("string of 65,532+ bytes", 0.3).require("supplementary character", 5)
                .require("Chinese character", 5);
        return RandomFrames.property("round trip", CASES, tally, trial -> {
            RandomGenerator random = trial.random();
            Frame frame = RandomFrames.frame(random);
            trial.note("frame", frame);
            count(tally, frame);

            ByteBuffer encoded = FrameEncoder.encode(frame);
            assertThat(encoded.hasRemaining()).isTrue();
            byte[] bytes = new byte[encoded.remaining()];
            encoded.duplicate().get(bytes);
            assertThat(FrameDecoder.decode(encoded)).contains(frame);
            assertThat(encoded.hasRemaining()).isFalse();

            // Among other bytes, in a buffer of either byte order: exactly the frame is taken.
            byte[] before = RandomFrames.bytes(random, random.nextInt(8));
            byte[] after = RandomFrames.bytes(random, random.nextInt(8));
            ByteBuffer among = ByteBuffer.wrap(TestFrames.concat(before, bytes, after))
                    .order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
                    .position(before.length);
            assertThat(FrameDecoder.decode(among)).contains(frame);
            assertThat(among.position()).isEqualTo(before.length + bytes.length);

            // Any strict prefix is not yet a frame, and is left alone.
            for (int prefix : new int[] {0, 1, 3, 4, 5, bytes.length - 1, random.nextInt(bytes.length)}) {
                ByteBuffer partial = ByteBuffer.wrap(bytes, 0, prefix);
                assertThat(FrameDecoder.decode(partial)).as("prefix of %d bytes", prefix).isEmpty();
                assertThat(partial.position()).isZero();
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> everyFrameListSurvivesAReaderInRandomPieces() {
        return RandomFrames.property("frame lists", CASES, null, trial -> {
            List<Frame> frames = RandomFrames.frames(trial.random(), 1, 6);
            trial.note("frames", frames);
            Outcome outcome = readAll(TestFrames.bytes(frames), trial.random());
            assertThat(outcome.frames()).isEqualTo(frames);
            assertThat(outcome.ending()).isEqualTo(Ending.END_OF_STREAM);
        });
    }

    /** The message's first string field, if it has one: every message type counts towards the string events. */
    private static String firstString(Message message) {
        for (var component : message.getClass().getRecordComponents()) {
            if (component.getType() == String.class) {
                try {
                    return (String) component.getAccessor().invoke(message);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return null;
    }

    private static void count(Tally tally, Frame frame) {
        for (MessageType type : MessageType.values()) {
            tally.count(type.name(), type.messageClass().isInstance(frame.message()));
        }
        String text = firstString(frame.message());
        if (text != null) {
            int utf8 = text.getBytes(StandardCharsets.UTF_8).length;
            tally.count("empty string", text.isEmpty());
            tally.count("string of 65,532+ bytes", utf8 >= Frame.MAX_STRING_BYTES - 3);
            tally.count("supplementary character", text.codePoints().anyMatch(Character::isSupplementaryCodePoint));
            tally.count("Chinese character", text.codePoints().anyMatch(c -> c >= 0x4E00 && c < 0xA000));
        }
    }

    /** How a reader stopped reading a stream. */
    private enum Ending {
        END_OF_STREAM, EOF_IN_FRAME, BAD_LENGTH
    }

    /**
     * What a reader made of a stream: the frames it returned, the frames it skipped, how it ended
     * and the largest buffer it had.
     */
    private record Outcome(List<Frame> frames, List<String> recoverable, Ending ending, int capacity) {
    }

    /**
     * Reads until the reader gives up, the channel handing out the stream in random pieces,
     * checking on the way that every frame returned is exactly the bytes it was read from, that the
     * buffer stays bounded and that every call makes progress. Any exception other than
     * {@link EOFException} and {@link ProtocolException} propagates and fails the case; so does a
     * reader that reads into a full buffer or on after end of stream ({@link ChunkedChannel}) or
     * needs more calls than the stream can hold frames.
     */
    private static Outcome readAll(byte[] stream, RandomGenerator random) throws IOException {
        ChunkedChannel channel = ChunkedChannel.randomChunks(stream, new Random(random.nextLong()));
        FrameReader reader = new FrameReader(channel);
        List<Frame> frames = new ArrayList<>();
        List<String> recoverable = new ArrayList<>();
        int capacity = reader.capacity();
        int consumed = 0;
        for (int call = 0; call <= stream.length / Frame.MIN_FRAME_LENGTH + 1; call++) {
            try {
                Frame frame = reader.read();
                capacity = Math.max(capacity, reader.capacity());
                assertThat(reader.capacity()).isLessThanOrEqualTo(Frame.MAX_FRAME_BYTES);
                if (frame == null) {
                    assertThat(channel.delivered()).isEqualTo(stream.length);
                    assertThat(reader.buffered()).isZero();
                    return new Outcome(frames, recoverable, Ending.END_OF_STREAM, capacity);
                }
                int end = channel.delivered() - reader.buffered();
                assertThat(TestFrames.bytes(frame)).isEqualTo(Arrays.copyOfRange(stream, consumed, end));
                consumed = end;
                frames.add(frame);
            } catch (EOFException e) {
                capacity = Math.max(capacity, reader.capacity());
                assertThat(reader.capacity()).isLessThanOrEqualTo(Frame.MAX_FRAME_BYTES);
                assertThat(e).hasMessage("connection closed in the middle of a frame");
                assertThat(channel.delivered()).isEqualTo(stream.length);
                assertThat(reader.buffered()).isPositive();
                return new Outcome(frames, recoverable, Ending.EOF_IN_FRAME, capacity);
            } catch (ProtocolException e) {
                capacity = Math.max(capacity, reader.capacity());
                assertThat(reader.capacity()).isLessThanOrEqualTo(Frame.MAX_FRAME_BYTES);
                if (!e.recoverable()) {
                    long length = Integer.toUnsignedLong(ByteBuffer.wrap(stream, consumed, 4).getInt());
                    assertThat(e).isInstanceOfSatisfying(FrameLengthException.class,
                            bad -> assertThat(bad.length()).isEqualTo(length));
                    assertThat(length < Frame.MIN_FRAME_LENGTH || length > Frame.MAX_FRAME_LENGTH).isTrue();
                    return new Outcome(frames, recoverable, Ending.BAD_LENGTH, capacity);
                }
                recoverable.add(e.getClass().getSimpleName());
                int end = channel.delivered() - reader.buffered();
                int length = ByteBuffer.wrap(stream, consumed, Frame.LENGTH_FIELD_BYTES).getInt();
                assertThat(end - consumed).as("a recoverable error consumes its frame").isEqualTo(4 + length);
                consumed = end;
            }
        }
        throw new AssertionError("the reader did not finish a " + stream.length + "-byte stream");
    }
}
