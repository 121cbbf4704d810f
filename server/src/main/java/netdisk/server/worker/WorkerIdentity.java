package netdisk.server.worker;

/**
 * Which worker this is, named in every log line about a session the way the tutorial's pool names its children:
 * {@code PROCESS[PID 4242:no 1]} in process mode, {@code THREAD[PID 4200:no 1]} in thread mode.
 */
public record WorkerIdentity(int number, long pid, boolean process) {

    public String label() {
        return (process ? "PROCESS" : "THREAD") + "[PID " + pid + ":no " + number + "]";
    }

    @Override
    public String toString() {
        return label();
    }
}
