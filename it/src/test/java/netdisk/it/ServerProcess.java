package netdisk.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import netdisk.server.RunDirectory;
import netdisk.server.control.ControlClient;
import netdisk.server.master.ServerStatus;

/**
 * A real netdisk server for a test: {@code netdisk-server serve} in a JVM of its own (so that its workers are real
 * processes and the master can be signalled or killed), on a random loopback port, with its log captured. Closing it
 * kills whatever is left.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+):(\\d+) with");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path data;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final int port;

    private ServerProcess(Process process, Path data) throws IOException {
        this.process = process;
        this.data = data;
        Thread.ofPlatform().daemon().name("server-log-" + process.pid()).start(this::pumpLog);
        this.port = awaitListening();
    }

    /**
     * Starts {@code serve --port 0 --data DATA --mode MODE} plus {@code extra} arguments, its workers from the test
     * run's class archive ({@code --class-cache}, see {@link TestJvm}).
     */
    static ServerProcess start(Path data, String mode, String... extra) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0", "--data",
                data.toString(), "--mode", mode, "--class-cache", TestJvm.CLASS_CACHE.toString()));
        arguments.addAll(List.of(extra));
        return launch(data, arguments);
    }

    /** Starts {@code netdisk-server ARGUMENTS} exactly as given ({@code data} is where they point it to). */
    static ServerProcess launch(Path data, List<String> arguments) throws IOException {
        TestJvm.prepare();
        return launchCommand(data, TestJvm.command(TestJvm.Kind.SERVER, arguments));
    }

    /** Runs {@code command}, a whole {@code java} command line of the server. */
    static ServerProcess launchCommand(Path data, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new ServerProcess(process, data);
        } catch (IOException | RuntimeException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
    }

    private void pumpLog() {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.add(line);
                System.out.println("[server " + process.pid() + "] " + line);
                synchronized (log) {
                    log.notifyAll();
                }
            }
        } catch (IOException e) {
            // the server is gone
        }
        synchronized (log) {
            log.notifyAll();
        }
    }

    private int awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        synchronized (log) {
            while (true) {
                for (String line : log) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(2));
                    }
                }
                if (!process.isAlive()) {
                    throw new IOException("server exited with " + process.exitValue() + ":\n" + logText());
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IOException("server did not listen within " + START_TIMEOUT + ":\n" + logText());
                }
                try {
                    log.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path data() {
        return data;
    }

    ServerStatus status() throws IOException {
        return new ControlClient(RunDirectory.controlSocket(data)).status();
    }

    Set<Long> workerPids() throws IOException {
        return status().workers().stream().map(ServerStatus.WorkerRow::pid).collect(Collectors.toSet());
    }

    /** Sends a signal by name ({@code TERM}, {@code INT}, {@code USR1}, {@code KILL}) to the master. */
    void signal(String name) throws IOException, InterruptedException {
        kill(name, pid());
    }

    /** {@code kill -NAME pid}. */
    static void kill(String name, long pid) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + name + " " + pid + " failed: " + rc);
        }
    }

    /**
     * {@code kill -9} of the whole server at once, master and every descendant (its workers) in one {@code kill}
     * command, as a crash or an out-of-memory killer would; returns when all of them are gone.
     */
    void killAll() throws IOException, InterruptedException {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        List<String> command = new ArrayList<>(List.of("kill", "-KILL"));
        family.stream().filter(ProcessHandle::isAlive).forEach(p -> command.add(Long.toString(p.pid())));
        if (command.size() > 2) {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(); // one that exited meanwhile makes kill complain: no matter
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle member : family) {
            while (member.isAlive()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("pid " + member.pid() + " survived kill -9");
                }
                Thread.sleep(5);
            }
        }
        process.waitFor();
    }

    /** Waits for the master to exit; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server still running after " + timeout + ":\n" + logText());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    List<String> log() {
        return List.copyOf(log);
    }

    String logText() {
        return String.join("\n", log);
    }

    /** Waits until a log line contains {@code text}. */
    void awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (log.stream().noneMatch(l -> l.contains(text))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("no log line with '" + text + "' within " + timeout + ":\n" + logText());
                }
                log.wait(Math.min(left, 200));
            }
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        family.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
