package netdisk.server.cli;

import java.util.stream.Collectors;

import netdisk.server.master.ServerStatus;

/** How {@code netdisk-server status} prints a {@link ServerStatus}: a table for people, JSON for scripts. */
final class StatusRendering {

    private StatusRendering() {
    }

    static String table(ServerStatus s) {
        var out = new StringBuilder();
        out.append(String.format("netdisk-server %s, pid %d, %s mode, listening on %s, up %s, %s%n", s.version(),
                s.pid(), s.mode(), s.listen(), StatusCommand.uptime(s.uptimeMillis()), s.state()));
        out.append(String.format("connections: %d accepted, %d handed off, %d rejected busy; %d/%d waiting%n%n",
                s.accepted(), s.handedOff(), s.rejectedBusy(), s.queued(), s.queueCapacity()));
        out.append(String.format("%-7s %-9s %-11s %-11s %-9s %s%n", "WORKER", "PID", "STATE", "SESSIONS", "HANDOFFS",
                "RESTARTS"));
        for (ServerStatus.WorkerRow w : s.workers()) {
            out.append(String.format("%-7d %-9d %-11s %-11s %-9d %d%n", w.number(), w.pid(), w.state(),
                    w.sessions() + "/" + w.capacity(), w.handoffs(), w.restarts()));
        }
        return out.toString();
    }

    /** Every value is a number or a word from the server (no quotes or backslashes), so no escaping is needed. */
    static String json(ServerStatus s) {
        String workers = s.workers().stream()
                .map(w -> String.format("{\"no\":%d,\"pid\":%d,\"state\":\"%s\",\"sessions\":%d,\"capacity\":%d,"
                                + "\"handoffs\":%d,\"restarts\":%d}", w.number(), w.pid(), w.state(), w.sessions(),
                        w.capacity(), w.handoffs(), w.restarts()))
                .collect(Collectors.joining(","));
        return String.format("{\"pid\":%d,\"version\":\"%s\",\"mode\":\"%s\",\"listen\":\"%s\",\"uptime_ms\":%d,"
                        + "\"state\":\"%s\",\"queued\":%d,\"queue_capacity\":%d,\"accepted\":%d,\"handed_off\":%d,"
                        + "\"rejected_busy\":%d,\"workers\":[%s]}%n", s.pid(), s.version(), s.mode(), s.listen(),
                s.uptimeMillis(), s.state(), s.queued(), s.queueCapacity(), s.accepted(), s.handedOff(),
                s.rejectedBusy(), workers);
    }
}
