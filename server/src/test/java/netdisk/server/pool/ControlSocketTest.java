package netdisk.server.pool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import netdisk.server.linux.Libc;
import netdisk.server.linux.NioBridge;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-off itself: a TCP connection's fd crosses a socketpair and keeps working on the other side. */
class ControlSocketTest {

    @Test
    void aPassedConnectionWorksOnTheReceivingSideAfterTheSenderClosedItsCopy() throws Exception {
        int[] pair = Libc.socketpair();
        try (var master = new ControlSocket(pair[0]); var worker = new ControlSocket(pair[1]);
             var listener = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (var client = SocketChannel.open(listener.getLocalAddress())) {
                SocketChannel accepted = listener.accept();
                var remote = (InetSocketAddress) accepted.getRemoteAddress();
                master.send(new ControlMessage.HandOff(5, StandardProtocolFamily.INET, remote),
                        NioBridge.fdOf(accepted));
                accepted.close(); // the master's copy goes, as in Master

                ControlSocket.Received received = worker.receive();
                assertThat(received.message()).isEqualTo(
                        new ControlMessage.HandOff(5, StandardProtocolFamily.INET, remote));
                assertThat(received.fd()).isNotNegative();
                try (SocketChannel served = NioBridge.channelOf(received.fd(), StandardProtocolFamily.INET, remote)) {
                    assertThat(served.getRemoteAddress()).isEqualTo(remote);
                    client.write(StandardCharsets.US_ASCII.encode("ping"));
                    ByteBuffer in = ByteBuffer.allocate(4);
                    while (in.hasRemaining()) {
                        served.read(in);
                    }
                    assertThat(new String(in.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
                    served.write(StandardCharsets.US_ASCII.encode("pong"));
                }
                // the worker closed the last copy: the client sees the answer, then end of stream
                ByteBuffer answer = ByteBuffer.allocate(8);
                int total = 0;
                int n;
                while ((n = client.read(answer)) > 0) {
                    total += n;
                }
                assertThat(n).isEqualTo(-1);
                assertThat(new String(answer.array(), 0, total, StandardCharsets.US_ASCII)).isEqualTo("pong");
            }
        }
    }

    @Test
    void messagesWithoutFdsFlowBothWaysAndEndOfStreamIsNull() throws Exception {
        int[] pair = Libc.socketpair();
        try (var a = new ControlSocket(pair[0]); var b = new ControlSocket(pair[1])) {
            b.send(new ControlMessage.Ready(77), -1);
            b.send(new ControlMessage.SessionEnded(3), -1);
            assertThat(a.receive()).isEqualTo(new ControlSocket.Received(new ControlMessage.Ready(77), -1));
            assertThat(a.receive().message()).isEqualTo(new ControlMessage.SessionEnded(3));
            a.send(new ControlMessage.Stop(1000), -1);
            assertThat(b.receive().message()).isEqualTo(new ControlMessage.Stop(1000));
            b.close();
            assertThat(a.receive()).isNull();
        }
    }

    /** Hand-offs and plain messages in turn, both ways: each arrives with its own fd or none, never an earlier one. */
    @Test
    void handOffsAndPlainMessagesInTurnEachCarryTheirOwnFdOrNone() throws Exception {
        int[] pair = Libc.socketpair();
        try (var master = new ControlSocket(pair[0]); var worker = new ControlSocket(pair[1])) {
            var remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
            for (int round = 0; round < 50; round++) {
                int[] passed = Libc.socketpair(); // any descriptor will do
                try {
                    master.send(new ControlMessage.HandOff(round, StandardProtocolFamily.INET, remote), passed[0]);
                    master.send(new ControlMessage.Heartbeat(round), -1);
                    worker.send(new ControlMessage.SessionEnded(round), -1);
                } finally {
                    Libc.closeQuietly(passed[0]);
                    Libc.closeQuietly(passed[1]);
                }
                ControlSocket.Received handOff = worker.receive();
                assertThat(handOff.message()).isEqualTo(
                        new ControlMessage.HandOff(round, StandardProtocolFamily.INET, remote));
                assertThat(handOff.fd()).isNotNegative();
                Libc.closeQuietly(handOff.fd());
                assertThat(worker.receive()).isEqualTo(
                        new ControlSocket.Received(new ControlMessage.Heartbeat(round), -1));
                assertThat(master.receive()).isEqualTo(
                        new ControlSocket.Received(new ControlMessage.SessionEnded(round), -1));
            }
        }
    }

    /** The master's side takes what has arrived in one read and hands it out message by message, in order. */
    @Test
    void plainMessagesSentInABurstComeOutOneByOneInOrderThenEndOfStream() throws Exception {
        int[] pair = Libc.socketpair();
        try (var master = new ControlSocket(pair[0]); var worker = new ControlSocket(pair[1])) {
            for (int burst = 0; burst < 3; burst++) {
                for (int i = 0; i < 150; i++) { // more than one read's worth (64)
                    worker.send(i % 50 == 49 ? new ControlMessage.HeartbeatReply(i) : new ControlMessage.SessionEnded(i),
                            -1);
                }
                for (int i = 0; i < 150; i++) {
                    assertThat(master.receivePlain()).isEqualTo(i % 50 == 49
                            ? new ControlMessage.HeartbeatReply(i) : new ControlMessage.SessionEnded(i));
                }
            }
            worker.send(new ControlMessage.Ready(7), -1);
            worker.close();
            assertThat(master.receivePlain()).isEqualTo(new ControlMessage.Ready(7));
            assertThat(master.receivePlain()).isNull();
        }
    }

    /** A worker reports session ends together: one send, read back one by one, in order, over several reads. */
    @Test
    void messagesSentTogetherComeOutOneByOneInOrder() throws Exception {
        int[] pair = Libc.socketpair();
        try (var master = new ControlSocket(pair[0]); var worker = new ControlSocket(pair[1])) {
            List<ControlMessage> ends = new ArrayList<>();
            for (int i = 0; i < 100; i++) { // more than one read's worth (64)
                ends.add(new ControlMessage.SessionEnded(1_000 + i));
            }
            worker.sendAll(ends);
            worker.send(new ControlMessage.Ready(7), -1);
            for (ControlMessage end : ends) {
                assertThat(master.receivePlain()).isEqualTo(end);
            }
            assertThat(master.receivePlain()).isEqualTo(new ControlMessage.Ready(7));
        }
    }

    @Test
    void aPlainStreamThatEndsInTheMiddleOfAMessageIsAnError() throws Exception {
        int[] pair = Libc.socketpair();
        try (var master = new ControlSocket(pair[0])) {
            byte[] whole = ControlMessage.encode(new ControlMessage.SessionEnded(1));
            Libc.sendMessage(pair[1], whole, -1);
            Libc.sendMessage(pair[1], java.util.Arrays.copyOf(whole, ControlMessage.LENGTH / 2), -1);
            Libc.closeQuietly(pair[1]);
            assertThat(master.receivePlain()).isEqualTo(new ControlMessage.SessionEnded(1));
            assertThatThrownBy(master::receivePlain).isInstanceOf(IOException.class)
                    .hasMessageContaining("in the middle of a message");
        }
    }

    @Test
    void anFdPassedToThePlainSideIsClosedThereAndAnError() throws Exception {
        int[] pair = Libc.socketpair();
        int[] passed = Libc.socketpair();
        try (var master = new ControlSocket(pair[0]); var worker = new ControlSocket(pair[1])) {
            worker.send(new ControlMessage.HandOff(1, StandardProtocolFamily.INET,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)), passed[0]);
            Libc.closeQuietly(passed[0]);

            assertThatThrownBy(master::receivePlain).isInstanceOf(IOException.class)
                    .hasMessageContaining("never passed one");
            Libc.Received end = Libc.receiveMessage(passed[1], new byte[8], 0, 8);
            assertThat(end.length()).as("the received copy was closed too: end of stream").isZero();
        } finally {
            Libc.closeQuietly(passed[1]);
        }
    }

    @Test
    void aHandOffWithoutItsFdIsAnError() throws Exception {
        int[] pair = Libc.socketpair();
        try (var a = new ControlSocket(pair[0]); var b = new ControlSocket(pair[1])) {
            b.send(new ControlMessage.HandOff(1, StandardProtocolFamily.INET,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)), -1);
            assertThatThrownBy(a::receive).isInstanceOf(IOException.class).hasMessageContaining("arrived with fd -1");
        }
    }

    @Test
    void aPeerThatStopsReadingMakesSendsFailAfterTheSendTimeoutInsteadOfBlocking() throws Exception {
        int[] pair = Libc.socketpair();
        try (var master = new ControlSocket(pair[0]); var hungWorker = new ControlSocket(pair[1])) {
            Libc.setSendTimeout(pair[0], 100);
            int sent = 0;
            IOException failure = null;
            while (failure == null && sent < 1_000_000) {
                try {
                    master.send(new ControlMessage.Stop(sent), -1);
                    sent++;
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("a send failed once the socket buffer was full").isNotNull()
                    .hasMessageContaining("sendmsg");
            assertThat(sent).isPositive();
            assertThat(hungWorker.receive().message()).isEqualTo(new ControlMessage.Stop(0));
        }
    }

    @Test
    void sendingToAClosedPeerFailsWithoutSigpipe() throws Exception {
        int[] pair = Libc.socketpair();
        try (var a = new ControlSocket(pair[0])) {
            Libc.closeQuietly(pair[1]);
            assertThatThrownBy(() -> a.send(new ControlMessage.Ready(1), -1)).isInstanceOf(IOException.class)
                    .hasMessageContaining("sendmsg");
        }
    }
}
