package netdisk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code netdisk-server} or {@code netdisk} commands as processes, the way a user's shell would. */
final class Cli {

    record Result(int exitCode, String output) {
    }

    private Cli() {
    }

    /** {@code netdisk-server ARGS}. */
    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** {@code netdisk-server ARGS} with {@code environment} added (e.g. {@code NETDISK_PASSWORD} for user add). */
    static Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        TestJvm.prepare();
        return exec(TestJvm.command(TestJvm.Kind.SERVER, List.of(args)), environment);
    }

    /** {@code netdisk ARGS}. */
    static Result client(String... args) throws IOException, InterruptedException {
        return client(Map.of(), args);
    }

    /** {@code netdisk ARGS} with {@code environment} added (the password, where the login is saved). */
    static Result client(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        TestJvm.prepare();
        return exec(TestJvm.command(TestJvm.Kind.CLIENT, List.of(args)), environment);
    }

    /** The {@code java} command line of {@code bin/netdisk} (the same JVM flags), for a pseudo-terminal. */
    static List<String> clientCommand(String... args) {
        TestJvm.prepare();
        return TestJvm.command(TestJvm.Kind.CLIENT, List.of(args));
    }

    /** {@code netdisk ARGS}, started and left running (stdout and stderr together). */
    static Process start(String... args) throws IOException {
        return start(Map.of(), args);
    }

    /** {@code netdisk ARGS} with these environment variables added, started and left running. */
    static Process start(Map<String, String> environment, String... args) throws IOException {
        var builder = new ProcessBuilder(clientCommand(args)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Runs {@code command} with {@code environment} added and waits (at most a minute) for its output and exit. */
    static Result exec(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("command did not finish: " + command);
        }
        return new Result(process.exitValue(), output);
    }
}
