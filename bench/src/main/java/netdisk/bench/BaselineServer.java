package netdisk.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import netdisk.protocol.Frame;
import netdisk.protocol.FrameEncoder;
import netdisk.protocol.FrameReader;
import netdisk.protocol.Hello;
import netdisk.protocol.NetdiskVersion;
import netdisk.protocol.ProtocolVersion;
import netdisk.protocol.Welcome;

import sun.misc.Signal;

/**
 * The in-process baseline for the hand-off benchmark: one JVM, one blocking accept loop, no hand-off. For every
 * connection it reads the Hello frame, writes a Welcome frame and closes.
 *
 * <pre>
 * BaselineServer [--host 127.0.0.1] [--port 0] [--on accept|virtual]
 * </pre>
 *
 * <p>{@code --on accept} (the default, measured fastest for sequential connections) serves each connection on the
 * accepting thread itself; {@code --on virtual} starts a virtual thread per connection, as a worker does. Like the
 * server it logs {@code listening on HOST:PORT ...} on stderr and exits 0 on SIGTERM/SIGINT. Run it with the JVM flags
 * of the real server's master ({@code bin/netdisk-server}), which {@code bench/handoff.sh} does.
 */
public final class BaselineServer {

    private BaselineServer() {
    }

    public static void main(String[] args) throws IOException {
        String host = "127.0.0.1";
        int port = 0;
        boolean virtual = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--on" -> {
                    String on = args[++i];
                    if (!on.equals("accept") && !on.equals("virtual")) {
                        throw new IllegalArgumentException("--on accept|virtual, not " + on);
                    }
                    virtual = on.equals("virtual");
                }
                default -> {
                    System.err.println("usage: BaselineServer [--host HOST] [--port PORT] [--on accept|virtual]");
                    System.exit(2);
                }
            }
        }
        long t0 = System.nanoTime();
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1024);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                try {
                    listener.close();
                } catch (IOException e) {
                    // exiting anyway
                }
                System.exit(0);
            });
        }
        var address = (InetSocketAddress) listener.getLocalAddress();
        String where = address.getAddress().getHostAddress();
        System.err.printf("%s baseline: listening on %s:%d (answers on %s; pid %d; ready in %d ms)%n",
                LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME),
                where.contains(":") ? "[" + where + "]" : where, address.getPort(),
                virtual ? "a virtual thread per connection" : "the accepting thread",
                ProcessHandle.current().pid(), (System.nanoTime() - t0) / 1_000_000);
        long pid = ProcessHandle.current().pid();
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            }
            if (virtual) {
                Thread.ofVirtual().start(() -> serve(channel, pid));
            } else {
                serve(channel, pid);
            }
        }
    }

    /** Hello in, Welcome out, close. Anything else: close without an answer (the driver counts it as a failure). */
    private static void serve(SocketChannel channel, long pid) {
        try (channel) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // as the master does
            Frame first = new FrameReader(channel, 256).read();
            if (first == null || !(first.message() instanceof Hello hello)
                    || !ProtocolVersion.compatible(hello.major())) {
                return;
            }
            ByteBuffer welcome = FrameEncoder.encode(new Frame(first.requestId(), new Welcome(ProtocolVersion.MAJOR,
                    ProtocolVersion.MINOR, NetdiskVersion.VALUE, 0, pid)));
            while (welcome.hasRemaining()) {
                channel.write(welcome);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage: nothing to answer
        }
    }
}
