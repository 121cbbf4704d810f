package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTest {

    @Test
    void typeCodesAreTheWireContract() {
        assertThat(Arrays.stream(MessageType.values()).filter(t -> t.code() <= 10)
                .collect(Collectors.toMap(MessageType::code, MessageType::messageClass)))
                .isEqualTo(Map.of(
                        1, Hello.class,
                        2, Welcome.class,
                        3, ErrorReply.class,
                        4, Ping.class,
                        5, Pong.class,
                        6, GetRequest.class,
                        7, FileHeader.class,
                        8, PutRequest.class,
                        9, PutReady.class,
                        10, PutDone.class));
        assertThat(Arrays.stream(MessageType.values()).filter(t -> t.code() > 10)
                .map(t -> t.code() + " " + t.messageClass().getSimpleName())).containsExactly(
                "11 Login", "12 LoginOk", "13 Register", "14 Logout", "15 Done", "16 ListRequest", "17 Listing",
                "18 StatRequest", "19 EntryReply", "20 MkdirRequest", "21 RemoveRequest", "22 MoveRequest",
                "23 CopyRequest", "24 UsageRequest", "25 UsageReply", "26 PutFile", "27 ProveContent",
                "28 ContentProof", "29 PutStored", "30 GetFile", "31 FileInfo", "32 PutResume", "33 ResumeFrom",
                "34 GetFrom", "35 FilePart", "36 TicketRequest", "37 Ticket", "38 PutInline", "39 PutStream",
                "40 HashFirst", "41 PutHash");
    }

    @Test
    void everyMessageKnowsItsType() {
        for (Frame frame : TestFrames.samples()) {
            Message message = frame.message();
            assertThat(message.type().messageClass()).isEqualTo(message.getClass());
            assertThat(MessageType.of(message.type().code())).contains(message.type());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 42, 255, 256, Integer.MAX_VALUE})
    void unknownTypeCodesAreEmpty(int code) {
        assertThat(MessageType.of(code)).isEmpty();
    }

    @Test
    void errorCodeNumbersAreTheWireContract() {
        assertThat(Arrays.stream(ErrorCode.values()).map(c -> c.code() + " " + c.name())).containsExactly(
                "1 PROTOCOL_ERROR", "2 UNSUPPORTED", "3 VERSION_MISMATCH", "4 SERVER_BUSY", "5 SHUTTING_DOWN",
                "6 INTERNAL", "7 TIMEOUT", "8 NOT_FOUND", "9 BAD_PATH", "10 IS_A_DIRECTORY", "11 NO_SPACE",
                "12 STORAGE_ERROR", "13 TRANSFER_FAILED", "14 AUTH_REQUIRED", "15 LOGIN_FAILED",
                "16 TOO_MANY_ATTEMPTS", "17 ALREADY_EXISTS", "18 NOT_A_DIRECTORY", "19 NOT_EMPTY", "20 QUOTA_EXCEEDED",
                "21 REGISTRATION_CLOSED", "22 INVALID_OPERATION", "23 ACCOUNT_REFUSED");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ErrorCode.of(code.code())).contains(code);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 24, -1, Integer.MAX_VALUE})
    void unknownErrorNumbersStayRepresentable(int number) {
        assertThat(ErrorCode.of(number)).isEmpty();
        ErrorReply reply = new ErrorReply(number, "from the future");
        assertThat(reply.code()).isEqualTo(number);
        assertThat(reply.errorCode()).isEmpty();
    }

    @Test
    void errorReplyFromAnErrorCode() {
        ErrorReply reply = ErrorReply.of(ErrorCode.TIMEOUT, "no Hello within 10 s");
        assertThat(reply).isEqualTo(new ErrorReply(7, "no Hello within 10 s"));
        assertThat(reply.errorCode()).contains(ErrorCode.TIMEOUT);
    }

    @Test
    void versionCompatibilityIsTheSameMajor() {
        assertThat(ProtocolVersion.MAJOR).isEqualTo(1);
        assertThat(ProtocolVersion.MINOR).isEqualTo(4);
        assertThat(ProtocolVersion.compatible(1)).isTrue();
        assertThat(ProtocolVersion.compatible(0)).isFalse();
        assertThat(ProtocolVersion.compatible(2)).isFalse();
        assertThat(Hello.current("c")).isEqualTo(new Hello(1, 4, "c"));
    }

    @Test
    void magicSpellsNdsk() {
        byte[] magic = ByteBuffer.allocate(4).putInt(ProtocolVersion.MAGIC).array();
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("NDSK");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void versionNumbersMustFitInAU16(int bad) {
        assertThatThrownBy(() -> new Hello(bad, 0, "c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("major");
        assertThatThrownBy(() -> new Hello(1, bad, "c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minor");
        assertThatThrownBy(() -> new Welcome(bad, 0, "s", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("major");
        assertThatThrownBy(() -> new Welcome(1, bad, "s", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minor");
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> new Hello(1, 0, null)).hasMessage("software");
        assertThatThrownBy(() -> new Welcome(1, 0, null, 1, 1)).hasMessage("serverVersion");
        assertThatThrownBy(() -> new ErrorReply(1, null)).hasMessage("message");
        assertThatThrownBy(() -> ErrorReply.of(null, "m")).hasMessage("code");
        assertThatThrownBy(() -> new Frame(1, null)).hasMessage("message");
        assertThatThrownBy(() -> Pong.answering(null)).hasMessage("ping");
    }

    @Test
    void pongAnswersItsPing() {
        assertThat(Pong.answering(new Ping(-7L))).isEqualTo(new Pong(-7L));
    }

    @Test
    void unsolicitedFramesCarryRequestIdZero() {
        Frame frame = Frame.unsolicited(ErrorReply.of(ErrorCode.SHUTTING_DOWN, "bye"));
        assertThat(frame.requestId()).isZero().isEqualTo(Frame.NO_REQUEST_ID);
    }

    @Test
    void limits() {
        assertThat(Frame.MAX_FRAME_LENGTH).isEqualTo(1_048_576);
        assertThat(Frame.MIN_FRAME_LENGTH).isEqualTo(5);
        assertThat(Frame.MAX_FRAME_BYTES).isEqualTo(4 + 1_048_576);
        assertThat(Frame.MAX_STRING_BYTES).isEqualTo(65_535);
    }

    @Test
    void exceptionsSayWhetherTheStreamIsInStepAndHowToAnswer() {
        FrameLengthException length = new FrameLengthException(4_294_967_295L);
        assertThat(length.recoverable()).isFalse();
        assertThat(length.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(length.requestId()).isZero();
        assertThat(length.length()).isEqualTo(4_294_967_295L);
        assertThat(length).hasMessageContaining("4294967295");

        UnknownMessageTypeException unknown = new UnknownMessageTypeException(9, 200);
        assertThat(unknown.recoverable()).isTrue();
        assertThat(unknown.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(unknown.requestId()).isEqualTo(9);
        assertThat(unknown.type()).isEqualTo(200);

        MalformedFrameException malformed = new MalformedFrameException(10, MessageType.PING, "short");
        assertThat(malformed.recoverable()).isTrue();
        assertThat(malformed.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(malformed.requestId()).isEqualTo(10);
        assertThat(malformed.type()).isEqualTo(MessageType.PING);
        assertThat(malformed).hasMessageContaining("PING").hasMessageContaining("short");
    }
}
