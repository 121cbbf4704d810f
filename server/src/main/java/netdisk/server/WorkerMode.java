package netdisk.server;

/** How workers run: each in its own JVM process (the tutorial's model), or as threads of the server's JVM. */
public enum WorkerMode {
    PROCESS, THREAD;

    /** Process mode where fd passing works (Linux); thread mode elsewhere. */
    public static WorkerMode platformDefault() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux") ? PROCESS : THREAD;
    }
}
