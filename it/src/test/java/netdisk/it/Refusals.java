package netdisk.it;

import netdisk.client.ServerRefusedException;
import netdisk.protocol.ErrorCode;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Assertions on what the server refuses. */
final class Refusals {

    private Refusals() {
    }

    /** {@code call} is refused with one of {@code codes} and a message; returns the refusal. */
    static ServerRefusedException refused(String what, ThrowingCallable call, ErrorCode... codes) {
        ServerRefusedException[] caught = new ServerRefusedException[1];
        assertThatThrownBy(call).as(what).isInstanceOfSatisfying(ServerRefusedException.class, e -> {
            assertThat(e.code()).as(what + ": " + e.getMessage()).get().isIn((Object[]) codes);
            assertThat(e.reply().message()).as(what + ": the refusal says why").isNotBlank();
            caught[0] = e;
        });
        return caught[0];
    }
}
