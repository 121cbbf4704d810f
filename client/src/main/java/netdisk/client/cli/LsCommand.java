package netdisk.client.cli;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;

import netdisk.client.RemotePath;
import netdisk.protocol.Entry;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ls [-l] [--json] [PATH]}: a remote directory's entries (or one file), in name order. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "Lists a remote directory (default: the working directory); directories end in /.")
final class LsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-l", description = "Long form: type (d or -), size in bytes, date and time, name.")
    boolean longForm;

    @Option(names = "--json", description = "A JSON array of {name, type, size, modified, sha256}.")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "Remote directory or file.")
    String path;

    private final Remote remote;

    LsCommand(Remote remote) {
        this.remote = remote;
    }

    @Override
    public Integer call() throws Exception {
        String absolute = remote.resolve(path == null ? "" : path);
        List<Entry> entries = remote.client().list(absolute);
        for (Entry entry : entries) {
            RemotePath.checkName(entry.name()); // a name the server should never send: refuse to show it as a path
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(EntryFormat.json(entries));
        } else if (longForm) {
            EntryFormat.longLines(entries, ZoneId.systemDefault()).forEach(out::println);
        } else {
            entries.forEach(entry -> out.println(EntryFormat.name(entry)));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
