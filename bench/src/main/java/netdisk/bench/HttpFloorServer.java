package netdisk.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import netdisk.server.linux.Libc;
import netdisk.server.linux.NioBridge;

import sun.misc.Signal;

/**
 * The least a JVM can do per connection in {@code bench/handoff-floor.sh}: the file over HTTP/1.1 with
 * {@code Connection: close}, no hand-off, no protocol of ours, no login, no hash. It answers any request that ends
 * with an empty line with {@code 200} and the file's bytes (read once, at start), then closes.
 *
 * <pre>
 * HttpFloorServer --port PORT --file FILE [--threads 2] [--on accept|virtual|handoff]
 * </pre>
 *
 * <p>{@code --on accept}: THREADS platform threads block in {@code accept} on one listening socket and each serves
 * the connection it accepted, as nginx's worker processes do. {@code --on virtual}: one platform thread accepts and
 * starts a virtual thread per connection, as a netdisk worker serves its sessions. {@code --on handoff}: netdisk's
 * process model with nothing else: this JVM (the master) starts THREADS worker JVMs, accepts every connection and
 * passes its descriptor to the next worker over a UNIX socket (SCM_RIGHTS, with netdisk's own {@link Libc} and
 * {@link NioBridge}), then closes it; a worker serves each connection it receives on its receiving thread. Logs
 * {@code listening on 127.0.0.1:PORT} on stderr and exits 0 on SIGTERM/SIGINT (its workers see the UNIX socket's end
 * of stream and exit). Needs {@code --enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED}
 * for {@code --on handoff}.
 */
public final class HttpFloorServer {

    /** The master's ends of its workers' UNIX sockets, open for the JVM's life: their fds are what it sends on. */
    private static final List<SocketChannel> WORKER_LINKS = new ArrayList<>();

    private HttpFloorServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        Path file = null;
        int threads = 2;
        String on = "accept";
        Path workerOf = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--file" -> file = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--on" -> on = args[++i];
                case "--worker-of" -> workerOf = Path.of(args[++i]); // internal: a worker of --on handoff
                default -> {
                    System.err.println("usage: HttpFloorServer --port PORT --file FILE [--threads N] "
                            + "[--on accept|virtual|handoff]");
                    System.exit(2);
                }
            }
        }
        if (!List.of("accept", "virtual", "handoff").contains(on)) {
            throw new IllegalArgumentException("--on accept|virtual|handoff, not " + on);
        }
        boolean virtual = on.equals("virtual");
        if (file == null) {
            throw new IllegalArgumentException("--file FILE is required");
        }
        byte[] content = Files.readAllBytes(file);
        ByteBuffer answer = ByteBuffer.allocateDirect(256 + content.length);
        answer.put(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + content.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)).put(content).flip();
        if (workerOf != null) {
            serveHandedOff(workerOf, answer);
            return;
        }

        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> System.exit(0));
        }
        List<Integer> workers = on.equals("handoff") ? startWorkers(threads, file) : List.of();
        ServerSocketChannel listener = ServerSocketChannel.open(); // once the workers are there, so it serves at once
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        if (on.equals("handoff")) {
            report(listener, threads + " worker processes, the master hands off");
            handOffLoop(listener, workers);
            return;
        }
        report(listener, virtual ? "one acceptor, a virtual thread per connection" : threads + " accepting threads");
        if (virtual) {
            acceptLoop(listener, answer, true);
        } else {
            for (int t = 0; t < threads; t++) {
                Thread.ofPlatform().name("accept-" + t).start(() -> acceptLoop(listener, answer, false));
            }
        }
    }

    private static void report(ServerSocketChannel listener, String how) throws IOException {
        System.err.printf("listening on 127.0.0.1:%d (%s; pid %d)%n",
                ((InetSocketAddress) listener.getLocalAddress()).getPort(), how, ProcessHandle.current().pid());
    }

    /**
     * Starts the workers, each connecting back to a UNIX socket; their descriptors there, in order. Fails if a worker
     * JVM exits, or has not connected within 60 s.
     */
    private static List<Integer> startWorkers(int count, Path file) throws IOException {
        Path dir = Files.createTempDirectory("http-floor");
        Path socket = dir.resolve("workers.sock");
        List<Integer> fds = new ArrayList<>();
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(socket));
            unix.configureBlocking(false);
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> jvm = new ArrayList<>(List.of(java));
            jvm.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            jvm.addAll(List.of("-cp", System.getProperty("java.class.path"), HttpFloorServer.class.getName(),
                    "--file", file.toString(), "--worker-of", socket.toString()));
            for (int i = 0; i < count; i++) {
                Process process = new ProcessBuilder(jvm).inheritIO().start();
                long deadline = System.nanoTime() + 60_000_000_000L;
                SocketChannel worker;
                while ((worker = unix.accept()) == null) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IOException("worker JVM " + process.pid() + " did not connect"
                                + (process.isAlive() ? " within 60 s" : ": exited with " + process.exitValue()));
                    }
                    sleep(10);
                }
                worker.configureBlocking(true);
                WORKER_LINKS.add(worker);
                fds.add(NioBridge.fdOf(worker));
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        return fds;
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a worker", e);
        }
    }

    /** The master: accept, pass the descriptor to the next worker, close our copy (as netdisk's master does). */
    private static void handOffLoop(ServerSocketChannel listener, List<Integer> workers) {
        byte[] one = {1};
        for (long n = 0; ; n++) {
            try (SocketChannel channel = listener.accept()) {
                Libc.sendMessage(workers.get((int) (n % workers.size())), one, NioBridge.fdOf(channel));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                System.err.println("hand-off failed: " + e.getMessage());
            }
        }
    }

    /** A worker: receive descriptors from the master and serve each on this thread; exit at the master's end. */
    private static void serveHandedOff(Path masterSocket, ByteBuffer answer) throws IOException {
        SocketChannel master = SocketChannel.open(UnixDomainSocketAddress.of(masterSocket));
        int masterFd = NioBridge.fdOf(master);
        byte[] one = new byte[1];
        ByteBuffer request = ByteBuffer.allocateDirect(4096);
        InetSocketAddress unknown = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        while (true) {
            Libc.Received received = Libc.receiveMessage(masterFd, one, 0, 1);
            if (received.length() == 0) {
                return;
            }
            if (received.fd() >= 0) {
                serve(NioBridge.channelOf(received.fd(), StandardProtocolFamily.INET, unknown), request.clear(),
                        answer.duplicate());
            }
        }
    }

    private static void acceptLoop(ServerSocketChannel listener, ByteBuffer answer, boolean virtual) {
        ByteBuffer request = ByteBuffer.allocateDirect(4096);
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue; // e.g. the client reset before accept returned
            }
            if (virtual) {
                Thread.ofVirtual().start(() -> serve(channel, ByteBuffer.allocate(4096), answer.duplicate()));
            } else {
                serve(channel, request.clear(), answer.duplicate());
            }
        }
    }

    /** Reads up to the request's empty line, writes the answer, closes; a client that goes away gets nothing. */
    private static void serve(SocketChannel channel, ByteBuffer request, ByteBuffer answer) {
        try (channel) {
            while (!endsWithEmptyLine(request)) {
                if (!request.hasRemaining() || channel.read(request) < 0) {
                    return;
                }
            }
            while (answer.hasRemaining()) {
                channel.write(answer);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static boolean endsWithEmptyLine(ByteBuffer request) {
        int n = request.position();
        return n >= 4 && request.get(n - 4) == '\r' && request.get(n - 3) == '\n' && request.get(n - 2) == '\r'
                && request.get(n - 1) == '\n';
    }
}
