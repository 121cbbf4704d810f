package netdisk.server.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import netdisk.server.master.ServerStatus;

/**
 * The status answer on the control socket: {@code key=value} lines, one for the server, one per worker, then
 * {@code end}. Values never contain spaces. Written by the server, read by {@code netdisk-server status}:
 *
 * <pre>
 * netdisk-status 1
 * server pid=4200 version=0.1.0 mode=process listen=127.0.0.1:7477 uptime_ms=5230 state=running queued=0
 *     queue_capacity=256 accepted=12 handed_off=12 rejected_busy=0
 * worker no=0 pid=4201 state=idle sessions=0 capacity=1024 handoffs=6 restarts=0
 * end
 * </pre>
 * (the server line is one line).
 */
public final class StatusFormat {

    static final String HEADER = "netdisk-status 1";

    private StatusFormat() {
    }

    public static String write(ServerStatus s) {
        var out = new StringBuilder(HEADER).append('\n');
        out.append("server pid=").append(s.pid()).append(" version=").append(s.version()).append(" mode=")
                .append(s.mode()).append(" listen=").append(s.listen()).append(" uptime_ms=")
                .append(s.uptimeMillis()).append(" state=").append(s.state()).append(" queued=").append(s.queued())
                .append(" queue_capacity=").append(s.queueCapacity()).append(" accepted=").append(s.accepted())
                .append(" handed_off=").append(s.handedOff()).append(" rejected_busy=").append(s.rejectedBusy())
                .append('\n');
        for (ServerStatus.WorkerRow w : s.workers()) {
            out.append("worker no=").append(w.number()).append(" pid=").append(w.pid()).append(" state=")
                    .append(w.state()).append(" sessions=").append(w.sessions()).append(" capacity=")
                    .append(w.capacity()).append(" handoffs=").append(w.handoffs()).append(" restarts=")
                    .append(w.restarts()).append('\n');
        }
        return out.append("end\n").toString();
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IllegalArgumentException if the text is not a complete status answer
     */
    public static ServerStatus read(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER) || !lines.getLast().equals("end")) {
            throw new IllegalArgumentException("not a netdisk status answer: " + lines);
        }
        Map<String, String> server = null;
        List<ServerStatus.WorkerRow> workers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            if (line.startsWith("server ")) {
                server = fields(line);
            } else if (line.startsWith("worker ")) {
                Map<String, String> w = fields(line);
                workers.add(new ServerStatus.WorkerRow(integer(w, "no"), number(w, "pid"), text(w, "state"),
                        integer(w, "sessions"), integer(w, "capacity"), number(w, "handoffs"),
                        integer(w, "restarts")));
            }
        }
        if (server == null) {
            throw new IllegalArgumentException("status answer without a server line");
        }
        return new ServerStatus(number(server, "pid"), text(server, "version"), text(server, "mode"),
                text(server, "listen"), number(server, "uptime_ms"), text(server, "state"),
                integer(server, "queued"), integer(server, "queue_capacity"), number(server, "accepted"),
                number(server, "handed_off"), number(server, "rejected_busy"), workers);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }

    private static String text(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("status answer lacks " + key);
        }
        return value;
    }

    private static long number(Map<String, String> fields, String key) {
        try {
            return Long.parseLong(text(fields, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("status field " + key + " is not a number", e);
        }
    }

    private static int integer(Map<String, String> fields, String key) {
        return Math.toIntExact(number(fields, key));
    }
}
