package netdisk.client.cli;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.concurrent.Callable;

import netdisk.protocol.EntryReply;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stat [--json] PATH}: everything the server knows about one entry. */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = "Shows a remote entry: path, type, size, modification time, SHA-256.")
final class StatCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "A JSON object {path, name, type, size, modified, sha256}.")
    boolean json;

    @Parameters(paramLabel = "PATH", description = "Remote file or directory.")
    String path;

    private final Remote remote;

    StatCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        EntryReply reply = remote.client().stat(remote.resolve(path));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(EntryFormat.json(reply));
        } else {
            EntryFormat.statLines(reply, ZoneId.systemDefault()).forEach(out::println);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
