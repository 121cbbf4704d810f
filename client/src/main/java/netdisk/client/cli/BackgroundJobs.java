package netdisk.client.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.Function;

import picocli.CommandLine;

/**
 * The shell's background jobs: {@code put ... &} and {@code get ... &} run on threads of their own, on transfer
 * connections of their own, while the shell goes on serving commands on the session. Each job runs the very same
 * command as the foreground would, on a command line of its own, with its output kept: the last progress line (for
 * {@code jobs}) and the last line of its summary or error (told when the job ends). Ctrl-C stops the foreground
 * command, never a job; {@code kill N} stops job N.
 */
final class BackgroundJobs {

    /** Commands that may run in the background: the transfers. */
    static final List<String> ALLOWED = List.of("put", "get");

    /** One job, running or just ended. */
    static final class Job {
        final int number;
        final String command;
        final long startNanos = System.nanoTime();
        final Remote.Scope scope = new Remote.Scope();
        /** Its standard output (the summary) and error (progress bars, the error of a failure). */
        final LastLine out = new LastLine();
        final LastLine err = new LastLine();

        Job(int number, String command) {
            this.number = number;
            this.command = command;
        }

        Duration age() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    private final Remote remote;
    private final Map<Integer, Job> running = new ConcurrentSkipListMap<>();
    private int lastNumber;

    BackgroundJobs(Remote remote) {
        this.remote = remote;
    }

    /**
     * Starts {@code args} (a put or get) as job N; {@code commandLines} makes a fresh command line writing to the
     * job's output and error; {@code ended} hears "[N] done: ..." or "[N] failed: ..." once it is over.
     *
     * @return the job's number
     */
    synchronized int start(String[] args, Function<Job, CommandLine> commandLines, Consumer<String> ended) {
        Job job = new Job(++lastNumber, String.join(" ", args));
        CommandLine commandLine = commandLines.apply(job);
        running.put(job.number, job);
        Thread.ofPlatform().name("job-" + job.number).daemon().start(() -> {
            remote.enter(job.scope);
            int exit;
            try {
                exit = commandLine.execute(args);
            } finally {
                running.remove(job.number);
            }
            String last = exit == 0 ? job.out.last() : job.err.last();
            ended.accept("[" + job.number + "] " + (job.scope.cancelled() ? "killed" : exit == 0 ? "done" : "failed (exit "
                    + exit + ")") + ": " + job.command + (last.isEmpty() ? "" : "\n    " + last));
        });
        return job.number;
    }

    /** The running jobs, by number. */
    List<Job> running() {
        return new ArrayList<>(running.values());
    }

    /** Stops job {@code number}; false if there is no such job running. */
    boolean kill(int number) {
        Job job = running.get(number);
        if (job == null) {
            return false;
        }
        job.scope.cancel();
        return true;
    }

    /**
     * A writer that keeps only its last non-empty line, a line ending at {@code \n} or at {@code \r} (a progress bar
     * redrawing itself): enough to tell how a job is doing, and bounded however long it runs.
     */
    static final class LastLine extends Writer {
        private final StringBuilder current = new StringBuilder();
        private volatile String last = "";

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (c == '\n' || c == '\r') {
                    String line = current.toString().strip();
                    if (!line.isEmpty()) {
                        last = line;
                    }
                    current.setLength(0);
                } else if (current.length() < 4096) {
                    current.append(c);
                }
            }
        }

        String last() {
            return last;
        }

        PrintWriter printer() {
            return new PrintWriter(this, true);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
