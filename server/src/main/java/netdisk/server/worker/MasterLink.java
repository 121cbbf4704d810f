package netdisk.server.worker;

import java.io.IOException;

import netdisk.server.pool.ControlMessage;

/** The worker's side of its link to the master. */
public interface MasterLink {

    /** Blocks for the next command; a {@link WorkerCommand.Detach} when the master is gone. */
    WorkerCommand next() throws IOException;

    /** Tells the master something ({@link ControlMessage.Ready}, {@link ControlMessage.SessionEnded}). */
    void send(ControlMessage message) throws IOException;
}
