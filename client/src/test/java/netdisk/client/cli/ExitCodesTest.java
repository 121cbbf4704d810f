package netdisk.client.cli;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

import netdisk.client.IncompatibleServerException;
import netdisk.client.IntegrityException;
import netdisk.client.InvalidRemotePathException;
import netdisk.client.ServerRefusedException;
import netdisk.client.ServerUnreachableException;
import netdisk.client.TransferInterruptedException;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodesTest {

    private static int refused(ErrorCode code) {
        return ExitCodes.of(new ServerRefusedException(ErrorReply.of(code, "")));
    }

    @Test
    void everyServerErrorHasItsCode() {
        Map<ErrorCode, Integer> expected = new EnumMap<>(ErrorCode.class);
        expected.put(ErrorCode.PROTOCOL_ERROR, 1);
        expected.put(ErrorCode.UNSUPPORTED, 1);
        expected.put(ErrorCode.VERSION_MISMATCH, 5);
        expected.put(ErrorCode.SERVER_BUSY, 4);
        expected.put(ErrorCode.SHUTTING_DOWN, 4);
        expected.put(ErrorCode.INTERNAL, 1);
        expected.put(ErrorCode.TIMEOUT, 1);
        expected.put(ErrorCode.NOT_FOUND, 6);
        expected.put(ErrorCode.BAD_PATH, 6);
        expected.put(ErrorCode.IS_A_DIRECTORY, 13);
        expected.put(ErrorCode.NO_SPACE, 9);
        expected.put(ErrorCode.STORAGE_ERROR, 9);
        expected.put(ErrorCode.TRANSFER_FAILED, 18);
        expected.put(ErrorCode.AUTH_REQUIRED, 10);
        expected.put(ErrorCode.LOGIN_FAILED, 10);
        expected.put(ErrorCode.TOO_MANY_ATTEMPTS, 11);
        expected.put(ErrorCode.ALREADY_EXISTS, 12);
        expected.put(ErrorCode.NOT_A_DIRECTORY, 13);
        expected.put(ErrorCode.NOT_EMPTY, 14);
        expected.put(ErrorCode.QUOTA_EXCEEDED, 15);
        expected.put(ErrorCode.REGISTRATION_CLOSED, 16);
        expected.put(ErrorCode.INVALID_OPERATION, 17);
        expected.put(ErrorCode.ACCOUNT_REFUSED, 16);
        assertThat(expected).hasSize(ErrorCode.values().length);
        expected.forEach((code, exit) -> assertThat(refused(code)).as(code.name()).isEqualTo(exit));
    }

    @Test
    void anErrorCodeFromANewerServerIsAPlainFailure() {
        assertThat(ExitCodes.of(new ServerRefusedException(new ErrorReply(999, "new")))).isEqualTo(1);
    }

    @Test
    void clientSideFailuresHaveTheirCodes() {
        assertThat(ExitCodes.of(new ServerUnreachableException("x", null))).isEqualTo(3);
        assertThat(ExitCodes.of(new IncompatibleServerException("x"))).isEqualTo(5);
        assertThat(ExitCodes.of(new InvalidRemotePathException("x"))).isEqualTo(6);
        assertThat(ExitCodes.of(new LocalFileException("x"))).isEqualTo(7);
        assertThat(ExitCodes.of(new TransferInterruptedException("x"))).isEqualTo(8);
        assertThat(ExitCodes.of(new IntegrityException("/f", "a", "b"))).isEqualTo(18);
        assertThat(ExitCodes.of(new NotLoggedInException("x"))).isEqualTo(10);
        assertThat(ExitCodes.of(new IOException("x"))).isEqualTo(1);
    }

    @Test
    void theSummaryInHelpNamesEveryCodeOnce() {
        for (int code = 0; code <= ExitCodes.INTEGRITY; code++) {
            assertThat(ExitCodes.SUMMARY).contains((code == 0 ? "" : ", ") + code + " ");
        }
        assertThat(ExitCodes.SUMMARY).doesNotContain(", " + (ExitCodes.INTEGRITY + 1) + " ");
    }
}
