package netdisk.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.List;

import netdisk.server.Server;
import netdisk.server.ServerConfig;
import netdisk.server.StopRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/** Runs a server in the foreground until it is asked to stop, then stops it gracefully: what serve commands share. */
final class ServerRunner {

    private static final Logger log = LoggerFactory.getLogger(ServerRunner.class);

    private ServerRunner() {
    }

    static int run(ServerConfig config, PrintWriter err) throws InterruptedException {
        var stopRequest = new StopRequest();
        installSignalHandlers(stopRequest); // before starting: a signal during the start stops the server once up
        Server server;
        try {
            server = Server.start(config, stopRequest);
        } catch (BindException e) {
            err.println("netdisk-server: cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + " (choose another with --port, or 0 for any free port)");
            return ServerMain.FAILED;
        } catch (IOException e) {
            err.println("netdisk-server: " + e.getMessage());
            return ServerMain.FAILED;
        }
        stopRequest.await();
        server.stop();
        return ServerMain.OK;
    }

    /**
     * TERM, INT and USR1 all mean "stop gracefully". Handlers run on a daemon thread, so they only wake the main
     * (non-daemon) thread, which does the stopping. A SIGINT inherited as ignored (nohup, a background job) stays
     * ignored: the JDK does not install a handler over it.
     */
    private static void installSignalHandlers(StopRequest stopRequest) {
        for (String name : List.of("TERM", "INT", "USR1")) {
            SignalHandler previous = Signal.handle(new Signal(name), s -> stopRequest.request("SIG" + s.getName()));
            if (previous == SignalHandler.SIG_IGN) {
                log.info("SIG{} was ignored when the server started; it stays ignored (use SIGTERM or "
                        + "'netdisk-server stop')", name);
            }
        }
    }
}
