package netdisk.protocol;

import static netdisk.protocol.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact bytes, so that a mistake made identically in encoder and decoder (say, the wrong
 * byte order) cannot hide behind a passing round trip.
 */
class FrameEncoderTest {

    /** The worked example in docs/protocol.md. */
    @Test
    void helloMatchesTheWorkedExample() {
        assertThat(TestFrames.bytes(new Frame(1, new Hello(1, 0, "netdisk-client/0.1.0")))).isEqualTo(hex("""
                00 00 00 23
                01
                00 00 00 01
                4E 44 53 4B
                00 01
                00 00
                00 14 6E 65 74 64 69 73 6B 2D 63 6C 69 65 6E 74 2F 30 2E 31 2E 30
                """));
    }

    /** The answer in the worked example in docs/protocol.md. */
    @Test
    void welcomeMatchesTheWorkedExample() {
        assertThat(TestFrames.bytes(new Frame(1, new Welcome(1, 0, "netdisk-server/0.1.0", 3, 41_877L))))
                .isEqualTo(hex("""
                        00 00 00 2B  02  00 00 00 01  00 01  00 00
                        00 14  6E 65 74 64 69 73 6B 2D 73 65 72 76 65 72 2F 30 2E 31 2E 30
                        00 00 00 03  00 00 00 00 00 00 A3 95
                        """));
    }

    @Test
    void welcomeLayout() {
        assertThat(TestFrames.bytes(new Frame(0x01020304, new Welcome(1, 2, "s中", 0x0A0B0C0D, 0x1122334455667788L))))
                .isEqualTo(hex("""
                        00 00 00 1B
                        02
                        01 02 03 04
                        00 01
                        00 02
                        00 04 73 E4 B8 AD
                        0A 0B 0C 0D
                        11 22 33 44 55 66 77 88
                        """));
    }

    @Test
    void errorReplyLayoutWithUnsignedExtremes() {
        assertThat(TestFrames.bytes(new Frame(-1, new ErrorReply(-1, "x")))).isEqualTo(hex("""
                00 00 00 0C
                03
                FF FF FF FF
                FF FF FF FF
                00 01 78
                """));
    }

    @Test
    void pingAndPongLayout() {
        assertThat(TestFrames.bytes(new Frame(5, new Ping(0x0102030405060708L))))
                .isEqualTo(hex("00 00 00 0D 04 00 00 00 05 01 02 03 04 05 06 07 08"));
        assertThat(TestFrames.bytes(new Frame(0, new Pong(-2L))))
                .isEqualTo(hex("00 00 00 0D 05 00 00 00 00 FF FF FF FF FF FF FF FE"));
    }

    @Test
    void encodedBufferHoldsExactlyTheFrame() {
        ByteBuffer encoded = FrameEncoder.encode(new Frame(1, new Ping(1)));
        assertThat(encoded.position()).isZero();
        assertThat(encoded.limit()).isEqualTo(encoded.capacity()).isEqualTo(17);
        assertThat(encoded.order()).isEqualTo(java.nio.ByteOrder.BIG_ENDIAN);
    }

    @Test
    void encodeIntoABufferAppendsAtItsPosition() {
        ByteBuffer out = ByteBuffer.allocate(40).put((byte) 0x55);
        FrameEncoder.encode(new Frame(1, new Ping(2)), out);
        FrameEncoder.encode(new Frame(3, new Pong(4)), out);
        assertThat(out.position()).isEqualTo(1 + 17 + 17);
        byte[] written = new byte[35];
        out.flip().get(written);
        assertThat(written).isEqualTo(TestFrames.concat(new byte[] {0x55},
                TestFrames.bytes(new Frame(1, new Ping(2))), TestFrames.bytes(new Frame(3, new Pong(4)))));
    }

    @Test
    void tooSmallABufferOverflowsWithoutWriting() {
        ByteBuffer out = ByteBuffer.allocate(16);
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new Ping(2)), out))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(out.position()).isZero();
        assertThat(out.array()).containsOnly(0);
    }

    @Test
    void longestStringsAreAccepted() {
        assertThat(FrameEncoder.encode(new Frame(1, new Hello(1, 0, TestFrames.LONGEST_ASCII))).remaining())
                .isEqualTo(4 + 5 + 4 + 2 + 2 + 2 + 65_535);
        assertThat(FrameEncoder.encode(new Frame(1, new ErrorReply(1, "中".repeat(21_845)))).remaining())
                .isEqualTo(4 + 5 + 4 + 2 + 65_535);
    }

    @Test
    void aStringThatTurnsOutNotToBeAsciiIsEncodedWhole() {
        String message = "plain ASCII first, then 中文 and é";
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = FrameEncoder.encode(new Frame(1, new ErrorReply(1, message)));
        frame.position(4 + 5 + 4);
        assertThat(Short.toUnsignedInt(frame.getShort())).isEqualTo(utf8.length);
        byte[] encoded = new byte[frame.remaining()];
        frame.get(encoded);
        assertThat(encoded).isEqualTo(utf8);
    }

    @Test
    void stringsOverTheU16LimitAreRefused() {
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new Hello(1, 0, TestFrames.LONGEST_ASCII + "b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("software").hasMessageContaining("65536");
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new ErrorReply(1, "中".repeat(21_846)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message").hasMessageContaining("65538");
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new Welcome(1, 0, "é".repeat(32_768), 1, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serverVersion");
    }

    @Test
    void refusedFramesWriteNothing() {
        ByteBuffer out = ByteBuffer.allocate(Frame.MAX_FRAME_BYTES);
        Frame tooLong = new Frame(1, new Hello(1, 0, TestFrames.LONGEST_ASCII + "b"));
        assertThatThrownBy(() -> FrameEncoder.encode(tooLong, out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void unpairedSurrogatesAreRefusedRatherThanReplaced() {
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new Hello(1, 0, "bad \uD800 high"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("software");
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new ErrorReply(1, "\uDC00"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message");
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> FrameEncoder.encode(null)).hasMessage("frame");
        assertThatThrownBy(() -> FrameEncoder.encode(null, ByteBuffer.allocate(1))).hasMessage("frame");
        assertThatThrownBy(() -> FrameEncoder.encode(new Frame(1, new Ping(1)), null)).hasMessage("out");
    }
}
