package netdisk.protocol;

import static netdisk.protocol.TestFrames.hex;
import static netdisk.protocol.TestFrames.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {

    static Stream<Frame> samples() {
        return TestFrames.samples().stream();
    }

    static Stream<Frame> allSamples() {
        return Stream.concat(TestFrames.samples().stream(), TestFrames.largeSamples().stream());
    }

    @ParameterizedTest
    @MethodSource("allSamples")
    void roundTrip(Frame frame) throws ProtocolException {
        ByteBuffer in = FrameEncoder.encode(frame);
        assertThat(FrameDecoder.decode(in)).contains(frame);
        assertThat(in.hasRemaining()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void splitAtEveryPosition(Frame frame) throws ProtocolException {
        byte[] bytes = TestFrames.bytes(frame);
        for (int split = 0; split < bytes.length; split++) {
            ByteBuffer in = ByteBuffer.allocate(bytes.length);
            in.put(bytes, 0, split).flip();
            assertThat(FrameDecoder.decode(in)).as("after %d of %d bytes", split, bytes.length).isEmpty();
            assertThat(in.position()).as("nothing consumed").isZero();
            in.compact().put(bytes, split, bytes.length - split).flip();
            assertThat(FrameDecoder.decode(in)).as("split at %d", split).contains(frame);
            assertThat(in.hasRemaining()).as("nothing left over").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("allSamples")
    void oneByteAtATime(Frame frame) throws ProtocolException {
        byte[] bytes = TestFrames.bytes(frame);
        ByteBuffer in = ByteBuffer.wrap(bytes).limit(0);
        List<Frame> emitted = new ArrayList<>();
        for (int arrived = 1; arrived <= bytes.length; arrived++) {
            in.limit(arrived);
            FrameDecoder.decode(in).ifPresent(emitted::add);
            if (arrived < bytes.length) {
                assertThat(emitted).as("nothing before byte %d of %d", arrived, bytes.length).isEmpty();
                assertThat(in.position()).isZero();
            }
        }
        assertThat(emitted).containsExactly(frame);
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void framesBackToBackAreDecodedOneByOne() throws ProtocolException {
        List<Frame> frames = TestFrames.samples();
        ByteBuffer in = ByteBuffer.wrap(TestFrames.bytes(frames));
        for (Frame frame : frames) {
            int before = in.position();
            assertThat(FrameDecoder.decode(in)).contains(frame);
            assertThat(in.position() - before).isEqualTo(TestFrames.bytes(frame).length);
        }
        assertThat(FrameDecoder.decode(in)).isEmpty();
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void theBuffersByteOrderAndOffsetDoNotMatter() throws ProtocolException {
        Frame frame = new Frame(0x01020304, new Welcome(1, 0, "s", 0x05060708, 0x090A0B0C0D0E0F10L));
        byte[] bytes = TestFrames.concat(new byte[] {9, 9, 9}, TestFrames.bytes(frame));
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).position(3);
        assertThat(FrameDecoder.decode(in)).contains(frame);
        ByteBuffer sliced = ByteBuffer.wrap(bytes).position(3).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(FrameDecoder.decode(sliced)).contains(frame);
    }

    @Test
    void requiredBytesIsKnownOnceTheLengthIsVisible() throws ProtocolException {
        byte[] bytes = TestFrames.bytes(new Frame(1, new Ping(1)));
        for (int visible = 0; visible < Frame.LENGTH_FIELD_BYTES; visible++) {
            assertThat(FrameDecoder.requiredBytes(ByteBuffer.wrap(bytes, 0, visible))).isEqualTo(4);
        }
        assertThat(FrameDecoder.requiredBytes(ByteBuffer.wrap(bytes, 0, 4))).isEqualTo(17);
        assertThat(FrameDecoder.requiredBytes(ByteBuffer.wrap(bytes))).isEqualTo(17);
        assertThat(FrameDecoder.requiredBytes(ByteBuffer.wrap(hex("00 10 00 00")))).isEqualTo(Frame.MAX_FRAME_BYTES);
        assertThat(FrameDecoder.requiredBytes(ByteBuffer.wrap(hex("00 00 00 05")))).isEqualTo(9);
    }

    @Test
    void theLongestValidLengthWaitsForItsBody() throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(hex("00 10 00 00 04 00 00 00 01"));
        assertThat(FrameDecoder.decode(in)).isEmpty();
        assertThat(in.position()).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4, Frame.MAX_FRAME_LENGTH + 1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
    void badLengthFailsAsSoonAsTheLengthFieldIsThere(long length) {
        ByteBuffer in = ByteBuffer.allocate(4).putInt((int) length).flip();

        FrameLengthException e = catchThrowableOfType(FrameLengthException.class, () -> FrameDecoder.decode(in));
        assertThat(e.length()).isEqualTo(length);
        assertThat(e.recoverable()).isFalse();
        assertThat(e.requestId()).isZero();
        assertThat(in.position()).isZero();
        assertThat(catchThrowableOfType(FrameLengthException.class, () -> FrameDecoder.requiredBytes(in)).length())
                .isEqualTo(length);
    }

    @Test
    void aBadLengthIsNotJudgedBeforeAllFourBytesAreThere() throws ProtocolException {
        ByteBuffer in = ByteBuffer.wrap(hex("FF FF FF"));
        assertThat(FrameDecoder.decode(in)).isEmpty();
        assertThat(FrameDecoder.requiredBytes(in)).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 42, 43, 127, 128, 255})
    void unknownTypeConsumesTheFrameAndTheNextOneStillDecodes(int type) throws ProtocolException {
        Frame next = new Frame(8, new Ping(8));
        ByteBuffer in = ByteBuffer.wrap(TestFrames.concat(raw(type, 77, hex("01 02 03")), TestFrames.bytes(next)));

        UnknownMessageTypeException e =
                catchThrowableOfType(UnknownMessageTypeException.class, () -> FrameDecoder.decode(in));
        assertThat(e.type()).isEqualTo(type);
        assertThat(e.requestId()).isEqualTo(77);
        assertThat(e.recoverable()).isTrue();
        assertThat(in.position()).isEqualTo(12);
        assertThat(FrameDecoder.decode(in)).contains(next);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void aPayloadOneByteShortIsMalformed(Frame frame) throws ProtocolException {
        byte[] payload = TestFrames.payload(frame);
        assumeTrue(payload.length > 0, "an empty payload cannot be shorter");
        assertMalformed(raw(frame.message().type().code(), 31, Arrays.copyOf(payload, payload.length - 1)),
                frame.message().type(), "payload ends before");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void trailingBytesAreMalformed(Frame frame) throws ProtocolException {
        byte[] payload = TestFrames.payload(frame);
        assertMalformed(raw(frame.message().type().code(), 31, Arrays.copyOf(payload, payload.length + 1)),
                frame.message().type(), "1 trailing bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void anEmptyPayloadIsMalformedForEveryType(int type) throws ProtocolException {
        assertMalformed(raw(type, 31, new byte[0]), MessageType.of(type).orElseThrow(), "payload ends before");
    }

    @Test
    void aStringLongerThanItsFrameIsMalformed() throws ProtocolException {
        assertMalformed(raw(3, 31, hex("00 00 00 01  00 05 61 62 63")), MessageType.ERROR_REPLY,
                "message of 5 bytes");
        assertMalformed(raw(3, 31, hex("00 00 00 01  FF FF")), MessageType.ERROR_REPLY, "message of 65535 bytes");
    }

    @Test
    void aFlagOtherThanZeroOrOneIsMalformed() throws ProtocolException {
        assertMalformed(raw(20, 31, hex("00 01 61  02")), MessageType.MKDIR_REQUEST, "parents is 2, not 0 or 1");
        assertMalformed(raw(17, 31, hex("FF  00 00 00 00")), MessageType.LISTING, "last is 255, not 0 or 1");
    }

    @Test
    void anUnknownEntryKindIsMalformed() throws ProtocolException {
        assertMalformed(raw(19, 31, hex("00 01 2F  00 00  03  " + "00".repeat(16) + "  00 00")),
                MessageType.ENTRY_REPLY, "unknown entry kind 3");
    }

    @Test
    void anEntryCountTheFrameCannotHoldIsRefusedBeforeAllocating() throws ProtocolException {
        assertMalformed(raw(17, 31, hex("01  FF FF FF FF")), MessageType.LISTING, "entry count 4294967295 cannot fit");
        assertMalformed(raw(27, 31, hex("00 00  00 10 00 00")), MessageType.PROVE_CONTENT,
                "range count 1048576 cannot fit");
        assertMalformed(raw(28, 31, hex("FF FF FF FF")), MessageType.CONTENT_PROOF, "hash count 4294967295 cannot fit");
        assertMalformed(raw(17, 31, hex("01  00 00 00 02")), MessageType.LISTING, "payload ends before");
    }

    @Test
    void inlineContentOverItsLimitIsRefusedBeforeAllocating() throws ProtocolException {
        assertMalformed(raw(38, 31, hex("00 01 2F  00 00  00 04 00 01")), MessageType.PUT_INLINE,
                "content of 262145 bytes, more than 262144");
        assertMalformed(raw(38, 31, hex("00 01 2F  00 00  FF FF FF FF")), MessageType.PUT_INLINE,
                "content of 4294967295 bytes");
        assertMalformed(raw(38, 31, hex("00 01 2F  00 00  00 00 00 03  61 62")), MessageType.PUT_INLINE,
                "payload ends before content of 3 bytes");
    }

    @Test
    void aPartOffsetPastItsSizeIsMalformed() throws ProtocolException {
        assertMalformed(raw(35, 31, hex("00 00  " + "00".repeat(7) + "01  " + "00".repeat(7) + "02  00 00  00 00")),
                MessageType.FILE_PART, "offset 2 is past the size 1");
    }

    @Test
    void aQuotaWithoutItsFlagIsMalformed() throws ProtocolException {
        assertMalformed(raw(25, 31, hex("00".repeat(16) + " 00 " + "00 00 00 00 00 00 00 05" + "00".repeat(8))),
                MessageType.USAGE_REPLY, "quota 5 without has quota");
    }

    @Test
    void badMagicIsMalformed() throws ProtocolException {
        assertMalformed(raw(1, 31, hex("4E 44 53 4C  00 01 00 00 00 00")), MessageType.HELLO, "bad magic 0x4E44534C");
        assertMalformed(raw(1, 31, hex("47 45 54 20  00 01 00 00 00 00")), MessageType.HELLO, "bad magic");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "FF",             // never valid in UTF-8
        "C3 28",          // lead byte followed by a non-continuation byte
        "E4 B8",          // truncated three-byte sequence
        "80",             // lone continuation byte
        "C0 AF",          // overlong encoding of '/'
        "ED A0 80",       // an encoded UTF-16 surrogate
        "F4 90 80 80",    // beyond U+10FFFF
    })
    void malformedUtf8IsMalformed(String bad) throws ProtocolException {
        byte[] string = TestFrames.concat(new byte[] {0, (byte) hex(bad).length}, hex(bad));
        assertMalformed(raw(1, 31, TestFrames.concat(hex("4E 44 53 4B 00 01 00 00"), string)),
                MessageType.HELLO, "software is not valid UTF-8");
        assertMalformed(raw(2, 31, TestFrames.concat(hex("00 01 00 00"), string, new byte[12])),
                MessageType.WELCOME, "serverVersion is not valid UTF-8");
        assertMalformed(raw(3, 31, TestFrames.concat(hex("00 00 00 01"), string)),
                MessageType.ERROR_REPLY, "message is not valid UTF-8");
    }

    @Test
    void nullIsRefusedByName() {
        assertThat(catchThrowableOfType(NullPointerException.class, () -> FrameDecoder.decode(null))).hasMessage("in");
    }

    /** Decodes a broken frame followed by a good one: the first is malformed and consumed, the second arrives. */
    private static void assertMalformed(byte[] broken, MessageType type, String detail) throws ProtocolException {
        Frame next = new Frame(32, new Pong(32));
        ByteBuffer in = ByteBuffer.wrap(TestFrames.concat(broken, TestFrames.bytes(next)));

        MalformedFrameException e = catchThrowableOfType(MalformedFrameException.class, () -> FrameDecoder.decode(in));
        assertThat(e).as("decoding %s", Arrays.toString(broken)).isNotNull();
        assertThat(e.type()).isEqualTo(type);
        assertThat(e.requestId()).isEqualTo(31);
        assertThat(e.recoverable()).isTrue();
        assertThat(e).hasMessageContaining(detail);
        assertThat(in.position()).as("the broken frame is consumed whole").isEqualTo(broken.length);
        assertThat(FrameDecoder.decode(in)).contains(next);
    }
}
