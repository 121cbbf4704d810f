package netdisk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
        return java(Map.of(), "netdisk.server.cli.ServerMain", args);
    }

    /** {@code netdisk-server ARGS} with {@code env} added to the environment (e.g. {@code NETDISK_PASSWORD}). */
    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return java(env, "netdisk.server.cli.ServerMain", args);
    }

    /** {@code netdisk ARGS}. */
    static Result client(String... args) throws IOException, InterruptedException {
        return java(Map.of(), "netdisk.client.cli.ClientMain", args);
    }

    /** {@code netdisk ARGS}, started and left running (stdout and stderr together). */
    static Process start(String... args) throws IOException {
        return new ProcessBuilder(command("netdisk.client.cli.ClientMain", args)).redirectErrorStream(true).start();
    }

    private static List<String> command(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return command;
    }

    private static Result java(Map<String, String> env, String main, String... args)
            throws IOException, InterruptedException {
        List<String> command = command(main, args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("command did not finish: " + command);
        }
        return new Result(process.exitValue(), output);
    }
}
