package netdisk.server.worker;

import java.io.IOException;
import java.util.List;

import netdisk.server.pool.ControlMessage;

/** The worker's side of its link to the master. */
public interface MasterLink {

    /** Blocks for the next command; a {@link WorkerCommand.Detach} when the master is gone. */
    WorkerCommand next() throws IOException;

    /** Tells the master something ({@link ControlMessage.Ready}, {@link ControlMessage.SessionEnded}). */
    void send(ControlMessage message) throws IOException;

    /** Tells the master several things, in this order; a link may send them at once. */
    default void sendAll(List<ControlMessage> messages) throws IOException {
        for (ControlMessage message : messages) {
            send(message);
        }
    }
}
