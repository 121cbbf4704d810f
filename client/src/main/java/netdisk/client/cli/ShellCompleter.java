package netdisk.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion in the shell: command names first, then options, and paths for the arguments that are paths,
 * remote or local. Which argument is which comes from the commands' own picocli definitions (their parameter
 * labels: {@code LOCAL} is a local path; {@code PATH}, {@code REMOTE}, {@code SRC} and {@code DST} are remote
 * ones), so completion cannot drift from the commands.
 *
 * <p>A path is completed one name at a time: what was typed up to its last {@code /} names a directory, which is
 * listed; a directory is offered with a trailing {@code /} and no space after it, so the next Tab goes on into it.
 */
final class ShellCompleter implements Completer {

    /** One name in a listed directory. */
    record Name(String name, boolean directory) {
    }

    /** Lists the directory that a user typed ({@code ""} for the working directory), remote or local. */
    interface PathSource {
        List<Name> list(String typedDirectory) throws IOException;
    }

    private static final Set<String> REMOTE_LABELS = Set.of("PATH", "REMOTE", "SRC", "DST");
    private static final String LOCAL_LABEL = "LOCAL";

    private final CommandSpec commands;
    private final PathSource remote;
    private final PathSource local;

    ShellCompleter(CommandSpec commands, PathSource remote, PathSource local) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.local = Objects.requireNonNull(local, "local");
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        String word = line.word().substring(0, line.wordCursor());
        if (line.wordIndex() == 0) {
            for (String name : commands.subcommands().keySet()) {
                candidates.add(new Candidate(name));
            }
            return;
        }
        CommandLine command = commands.subcommands().get(words.getFirst());
        if (command == null) {
            return;
        }
        CommandSpec spec = command.getCommandSpec();
        if (word.startsWith("-")) {
            for (OptionSpec option : spec.options()) {
                for (String name : option.names()) {
                    candidates.add(new Candidate(name));
                }
            }
            return;
        }
        PathSource source = sourceFor(spec, positionalIndex(spec, words.subList(1, line.wordIndex())));
        if (source != null) {
            addPaths(source, word, candidates);
        }
    }

    /** Which positional parameter the word after {@code before} is: options and their values do not count. */
    private static int positionalIndex(CommandSpec spec, List<String> before) {
        int index = 0;
        boolean optionValue = false;
        for (String word : before) {
            if (optionValue) {
                optionValue = false;
            } else if (word.startsWith("-") && word.length() > 1) {
                OptionSpec option = spec.findOption(word);
                optionValue = option != null && option.arity().min() > 0 && !word.contains("=");
            } else {
                index++;
            }
        }
        return index;
    }

    private PathSource sourceFor(CommandSpec spec, int index) {
        for (PositionalParamSpec parameter : spec.positionalParameters()) {
            if (parameter.index().contains(index)) {
                String label = parameter.paramLabel();
                if (label.equals(LOCAL_LABEL)) {
                    return local;
                }
                return REMOTE_LABELS.contains(label) ? remote : null;
            }
        }
        return null;
    }

    private static void addPaths(PathSource source, String word, List<Candidate> candidates) {
        String directory = word.substring(0, word.lastIndexOf('/') + 1);
        List<Name> names;
        try {
            names = source.list(directory);
        } catch (IOException | RuntimeException e) {
            return; // nothing to offer: no such directory, no connection
        }
        for (Name name : names) {
            String shown = name.directory() ? name.name() + "/" : name.name();
            candidates.add(new Candidate(directory + shown, shown, null, null, null, null, !name.directory()));
        }
    }

    /** The remote side: lists through the shell's connection. */
    static PathSource remoteSource(Remote remote) {
        return typed -> remote.client().list(remote.resolve(typed)).stream()
                .map(entry -> new Name(entry.name(), entry.isDirectory())).toList();
    }

    /** The local side: lists relative to the shell's local working directory. */
    static PathSource localSource(Remote remote) {
        return typed -> {
            Path directory = typed.isEmpty() ? remote.localDirectory() : remote.local(typed);
            try (var entries = Files.list(directory)) {
                return entries.map(p -> new Name(p.getFileName().toString(), Files.isDirectory(p)))
                        .sorted(Comparator.comparing(Name::name)).toList();
            }
        };
    }
}
