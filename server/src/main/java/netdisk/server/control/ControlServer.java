package netdisk.server.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import netdisk.server.master.ServerStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's local control socket ({@code DATA/run/control.sock}), for {@code netdisk-server status} and
 * {@code stop}. Only the user who owns the server can use it: the socket file is {@code 0600} in a {@code 0700}
 * directory, and each peer's credentials ({@code SO_PEERCRED}) are checked as well.
 *
 * <p>The exchange is one text line each way and then the answer: {@code status} → {@link StatusFormat} lines;
 * {@code stop} → {@code stopping PID}, after which the server stops gracefully.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final ServerSocketChannel listener;
    private final Path path;
    private final UserPrincipal owner;
    private final Supplier<ServerStatus> status;
    private final Consumer<String> stop;

    private ControlServer(ServerSocketChannel listener, Path path, UserPrincipal owner, Supplier<ServerStatus> status,
            Consumer<String> stop) {
        this.listener = listener;
        this.path = path;
        this.owner = owner;
        this.status = status;
        this.stop = stop;
    }

    /**
     * Binds {@code path} and serves it on a thread of its own.
     *
     * @param stop called with the reason when a client asks the server to stop
     */
    public static ControlServer start(Path path, Supplier<ServerStatus> status, Consumer<String> stop)
            throws IOException {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(stop, "stop");
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
            throw new IOException("control socket path too long for a UNIX socket (max ~100 bytes): " + path
                    + "; use a shorter --data directory");
        }
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        var server = new ControlServer(listener, path, Files.getOwner(path), status, stop);
        Thread.ofPlatform().daemon().name("control").start(server::serve);
        return server;
    }

    private void serve() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                Thread.ofVirtual().name("control-client").start(() -> answer(client));
            } catch (IOException e) {
                if (listener.isOpen()) {
                    log.warn("control socket accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void answer(SocketChannel client) {
        try (client;
             var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
             var out = new PrintWriter(Channels.newWriter(client, StandardCharsets.UTF_8), true)) {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner) && !peer.user().getName().equals("root")) {
                log.warn("control socket: refused user {}", peer.user().getName());
                out.println("error not your server");
                return;
            }
            String request = in.readLine();
            switch (request == null ? "" : request.strip()) {
                case "status" -> out.print(StatusFormat.write(status.get()));
                case "stop" -> {
                    out.println("stopping " + ProcessHandle.current().pid());
                    out.flush();
                    log.info("stop requested on the control socket by {}", peer.user().getName());
                    stop.accept("netdisk-server stop");
                }
                default -> out.println("error unknown request: " + request);
            }
            out.flush();
        } catch (IOException e) {
            log.debug("control client: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Files.deleteIfExists(path);
    }
}
