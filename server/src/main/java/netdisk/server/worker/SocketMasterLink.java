package netdisk.server.worker;

import java.io.IOException;
import java.util.List;
import java.time.Duration;

import netdisk.server.linux.Libc;
import netdisk.server.linux.NioBridge;
import netdisk.server.pool.Connection;
import netdisk.server.pool.ControlMessage;
import netdisk.server.pool.ControlSocket;

/** A worker process's link: the control socketpair end it was given as fd 0. */
final class SocketMasterLink implements MasterLink {

    private final ControlSocket control;

    SocketMasterLink(ControlSocket control) {
        this.control = control;
    }

    @Override
    public WorkerCommand next() throws IOException {
        ControlSocket.Received received = control.receive();
        if (received == null) {
            return new WorkerCommand.Detach("master gone (control socket closed)");
        }
        return switch (received.message()) {
            case ControlMessage.HandOff h -> {
                try {
                    var channel = NioBridge.channelOf(received.fd(), h.family(), h.remote());
                    yield new WorkerCommand.Serve(new Connection(h.connectionId(), channel, h.family(), h.remote()));
                } catch (IOException e) {
                    Libc.closeQuietly(received.fd());
                    throw e;
                }
            }
            case ControlMessage.Stop s -> new WorkerCommand.Drain(Duration.ofMillis(s.drainMillis()));
            case ControlMessage.Heartbeat h -> new WorkerCommand.Heartbeat(h.sequence());
            case ControlMessage other -> throw new IOException("unexpected from the master: " + other);
        };
    }

    @Override
    public void send(ControlMessage message) throws IOException {
        control.send(message, -1);
    }

    @Override
    public void sendAll(List<ControlMessage> messages) throws IOException {
        control.sendAll(messages);
    }
}
