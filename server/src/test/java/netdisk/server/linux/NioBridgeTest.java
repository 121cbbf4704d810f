package netdisk.server.linux;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails loudly if a JDK update removes the {@code sun.nio.ch} internals that turn an fd into a SocketChannel. If it
 * does, see {@link NioBridge} for the fallback.
 */
class NioBridgeTest {

    @Test
    void anFdBecomesAWorkingBlockingSocketChannel() throws Exception {
        try (var listener = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            try (var client = SocketChannel.open(listener.getLocalAddress());
                 var accepted = listener.accept()) {
                int fd = NioBridge.fdOf(accepted);
                assertThat(fd).isGreaterThan(2);
                var remote = (InetSocketAddress) accepted.getRemoteAddress();
                try (SocketChannel copy = NioBridge.channelOf(Libc.dup(fd), StandardProtocolFamily.INET6, remote)) {
                    assertThat(copy.isBlocking()).isTrue();
                    assertThat(copy.isConnected()).isTrue();
                    assertThat(copy.getRemoteAddress()).isEqualTo(remote);
                    copy.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    ByteBuffer in = ByteBuffer.allocate(3);
                    while (in.hasRemaining()) {
                        client.read(in);
                    }
                    assertThat(in.array()).containsExactly(1, 2, 3);
                }
            }
        }
    }
}
