package netdisk.server.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import netdisk.server.master.ServerStatus;

/** The other end of {@link ControlServer}: asks a running server on this machine for its status, or to stop. */
public final class ControlClient {

    /** No server answers on that control socket. */
    public static final class NotRunningException extends IOException {
        NotRunningException(String message) {
            super(message);
        }
    }

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    public ServerStatus status() throws IOException {
        try {
            return StatusFormat.read(exchange("status"));
        } catch (IllegalArgumentException e) {
            throw new IOException("unexpected answer from the server: " + e.getMessage(), e);
        }
    }

    /** Asks the server to stop; returns its pid, to wait for. */
    public long stop() throws IOException {
        List<String> answer = exchange("stop");
        if (answer.isEmpty() || !answer.getFirst().startsWith("stopping ")) {
            throw new IOException("the server refused to stop: " + String.join(" ", answer));
        }
        return Long.parseLong(answer.getFirst().substring("stopping ".length()).strip());
    }

    private List<String> exchange(String request) throws IOException {
        if (!Files.exists(socket)) {
            throw new NotRunningException("no netdisk-server is running here (no control socket " + socket + ")");
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new NotRunningException("no netdisk-server answers on " + socket + " (" + e.getMessage() + ")");
        }
        try (channel;
             var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                     StandardCharsets.UTF_8))) {
            channel.write(StandardCharsets.UTF_8.encode(request + "\n"));
            List<String> lines = in.lines().toList();
            if (!lines.isEmpty() && lines.getFirst().startsWith("error ")) {
                throw new IOException("the server says: " + lines.getFirst().substring("error ".length()));
            }
            return lines;
        }
    }
}
