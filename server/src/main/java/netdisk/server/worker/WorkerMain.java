package netdisk.server.worker;

import java.util.List;

import netdisk.server.pool.ControlSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Entry point of a worker process, started by the master only: {@code WorkerMain NUMBER [--setting=value...]}, with
 * the master's end of a socketpair as fd 0.
 *
 * <p>SIGINT is ignored: Ctrl-C in a terminal reaches the whole process group, and only the master decides when
 * workers stop. The process exits when told to stop, or when fd 0 reaches end of stream because the master is gone.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        int number;
        WorkerSettings settings;
        try {
            number = Integer.parseInt(args[0]);
            settings = WorkerSettings.fromArguments(List.of(args).subList(1, args.length));
        } catch (RuntimeException e) {
            System.err.println("netdisk worker: started by hand? it is started by netdisk-server only (" + e + ")");
            System.exit(2);
            return;
        }
        Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        var identity = new WorkerIdentity(number, ProcessHandle.current().pid(), true);
        int status = 0;
        try {
            String outcome = new Worker(identity, settings, new SocketMasterLink(new ControlSocket(0))).run();
            log.info("{} exits: {}", identity, outcome);
        } catch (Throwable t) {
            log.error("{} failed", identity, t);
            status = 70;
        }
        System.exit(status);
    }
}
