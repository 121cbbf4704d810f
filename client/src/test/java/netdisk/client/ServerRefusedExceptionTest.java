package netdisk.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;

class ServerRefusedExceptionTest {

    @Test
    void theMessageNamesTheCodeThenSaysWhatTheServerSaid() {
        assertThat(new ServerRefusedException(ErrorReply.of(ErrorCode.NOT_FOUND, "no such file: /a")))
                .hasMessage("not found: no such file: /a");
        assertThat(new ServerRefusedException(new ErrorReply(999, "something new")))
                .hasMessage("error 999: something new");
    }

    @Test
    void aServerMessageThatNamesTheCodeAlreadyIsNotPrefixedTwice() {
        assertThat(new ServerRefusedException(
                ErrorReply.of(ErrorCode.LOGIN_FAILED, "login failed: wrong user name or password")))
                .hasMessage("login failed: wrong user name or password");
    }
}
