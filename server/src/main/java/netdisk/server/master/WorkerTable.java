package netdisk.server.master;

import java.util.ArrayList;
import java.util.List;

import netdisk.server.pool.WorkerLink;

/**
 * The master's table of workers: who they are, what state they are in, how many sessions each serves. Guarded by the
 * master's lock: every method is called with it held.
 */
final class WorkerTable {

    enum State { STARTING, READY, BROKEN, RESTARTING, STOPPING, EXITED }

    /** One worker's row; the link and pid change when the worker is replaced. */
    static final class Slot {
        final int number;
        WorkerLink link;
        long pid = -1;
        State state = State.STARTING;
        int sessions;
        long handoffs;
        int restarts;
        long startedNanos;
        long lastAliveNanos;

        Slot(int number) {
            this.number = number;
        }
    }

    private final List<Slot> slots = new ArrayList<>();
    private final int capacity;

    WorkerTable(int workers, int capacity) {
        this.capacity = capacity;
        for (int i = 0; i < workers; i++) {
            slots.add(new Slot(i));
        }
    }

    List<Slot> slots() {
        return slots;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Takes one session place on the ready worker with the fewest sessions (lowest number on a tie), or returns null
     * when every worker is full or not ready.
     */
    Slot reserve() {
        Slot best = null;
        for (Slot slot : slots) {
            if (slot.state == State.READY && slot.sessions < capacity
                    && (best == null || slot.sessions < best.sessions)) {
                best = slot;
            }
        }
        if (best != null) {
            best.sessions++;
        }
        return best;
    }

    /** Gives back a session place taken by {@link #reserve()}. */
    void release(Slot slot) {
        if (slot.sessions > 0) {
            slot.sessions--;
        }
    }

    boolean allReady() {
        return slots.stream().allMatch(s -> s.state == State.READY);
    }

    int totalSessions() {
        return slots.stream().mapToInt(s -> s.sessions).sum();
    }

    List<ServerStatus.WorkerRow> rows() {
        List<ServerStatus.WorkerRow> rows = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            rows.add(new ServerStatus.WorkerRow(s.number, s.pid, describe(s), s.sessions, capacity, s.handoffs,
                    s.restarts));
        }
        return rows;
    }

    private String describe(Slot slot) {
        return switch (slot.state) {
            case READY -> slot.sessions == 0 ? "idle" : slot.sessions >= capacity ? "full" : "busy";
            case STARTING -> "starting";
            case BROKEN, RESTARTING -> "restarting";
            case STOPPING -> "stopping";
            case EXITED -> "exited";
        };
    }
}
