package netdisk.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on a loopback port between a client and the server that passes on only the first {@code pass} bytes the
 * client sends on a connection, then holds the rest (it stops reading, so the client soon blocks), while everything
 * the server sends goes through. A transfer can so be stopped at a chosen byte, however fast the machine or slow the
 * test, before the client, the worker or the server is killed. When the server's side ends, the client's is closed
 * too, as the server's death would close it; closing the relay cuts both.
 */
final class HoldingRelay implements AutoCloseable {

    private static final int BUFFER = 64 << 10;

    private final ServerSocketChannel listener;
    private final int serverPort;
    private final long pass;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();

    private HoldingRelay(ServerSocketChannel listener, int serverPort, long pass) {
        this.listener = listener;
        this.serverPort = serverPort;
        this.pass = pass;
        Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    /** Relays connections to {@code 127.0.0.1:serverPort}, passing on {@code pass} bytes of each client's. */
    static HoldingRelay start(int serverPort, long pass) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        return new HoldingRelay(listener, serverPort, pass);
    }

    int port() {
        return ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort();
    }

    /** Waits until a connection has passed its {@code pass} bytes on and is held. */
    void awaitHolding(Duration timeout) throws InterruptedException {
        if (!holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the client did not send " + pass + " bytes within " + timeout);
        }
    }

    private void accept() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                SocketChannel server = SocketChannel.open(new InetSocketAddress("127.0.0.1", serverPort));
                open.add(client);
                open.add(server);
                Thread.ofVirtual().name("relay-up").start(() -> {
                    if (pump(client, server, pass)) {
                        holding.countDown(); // and read no more from the client
                    } else {
                        closeQuietly(server); // the client's side ended first: so does the server's
                        closeQuietly(client);
                    }
                });
                Thread.ofVirtual().name("relay-down").start(() -> {
                    pump(server, client, Long.MAX_VALUE);
                    closeQuietly(client); // the server's side ended: so does the client's
                    closeQuietly(server);
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies up to {@code limit} bytes; true if all of them went. */
    private static boolean pump(SocketChannel from, SocketChannel to, long limit) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        long moved = 0;
        try {
            while (moved < limit) {
                buffer.clear().limit((int) Math.min(BUFFER, limit - moved));
                int n = from.read(buffer);
                if (n < 0) {
                    return false;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                moved += n;
            }
            return true;
        } catch (IOException e) {
            return false; // one side is gone
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a broken connection
        }
    }

    /** Cuts every relayed connection and stops listening. */
    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(HoldingRelay::closeQuietly);
    }
}
