package netdisk.server.pool;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlMessageTest {

    @Test
    void everyMessageSurvivesItsFixedSizeEncoding() throws Exception {
        var messages = new ControlMessage[] {
            new ControlMessage.HandOff(Long.MAX_VALUE, StandardProtocolFamily.INET,
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 65535)),
            new ControlMessage.HandOff(17, StandardProtocolFamily.INET6,
                    new InetSocketAddress(InetAddress.getByName("::1"), 1)),
            new ControlMessage.HandOff(18, StandardProtocolFamily.INET6,
                    new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 40000)),
            new ControlMessage.Stop(30_000),
            new ControlMessage.Ready(4242),
            new ControlMessage.SessionEnded(99),
            new ControlMessage.Heartbeat(7),
            new ControlMessage.HeartbeatReply(Long.MAX_VALUE),
        };
        for (ControlMessage message : messages) {
            byte[] bytes = ControlMessage.encode(message);
            assertThat(bytes).hasSize(ControlMessage.LENGTH);
            assertThat(ControlMessage.decode(bytes)).isEqualTo(message);
        }
    }

    @Test
    void unknownTypesAndWrongSizesAreRefused() {
        byte[] bytes = new byte[ControlMessage.LENGTH];
        bytes[0] = 9;
        assertThatThrownBy(() -> ControlMessage.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type 9");
        assertThatThrownBy(() -> ControlMessage.decode(new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }
}
