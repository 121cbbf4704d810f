package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import netdisk.client.cli.ShellCompleter.Name;
import netdisk.client.session.SessionStore;

import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Completion candidates for what is typed, with fixed listings standing in for the server and the local disk. */
class ShellCompleterTest {

    private static final Map<String, List<Name>> REMOTE = Map.of(
            "", List.of(new Name("文档", true), new Name("报告.txt", false), new Name("photos", true)),
            "文档/", List.of(new Name("年度 总结.pdf", false), new Name("草稿", true)),
            "/", List.of(new Name("top", true)));
    private static final Map<String, List<Name>> LOCAL = Map.of(
            "", List.of(new Name("big.iso", false), new Name("src", true)));

    private final ShellCompleter completer = new ShellCompleter(
            Commands.shell(remote(), new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()))
                    .getCommandSpec(), fixed(REMOTE), fixed(LOCAL));

    private static ShellCompleter.PathSource fixed(Map<String, List<Name>> tree) {
        return typed -> {
            List<Name> names = tree.get(typed);
            if (names == null) {
                throw new IOException("no such directory: " + typed);
            }
            return names;
        };
    }

    private static Remote remote() {
        Remote.Options options = new Remote.Options() {
            public String host() { return "127.0.0.1"; }
            public int port() { return 1; }
            public Duration timeout() { return Duration.ofSeconds(1); }
            public String user() { return null; }
            public Path passwordFile() { return null; }
        };
        return new Remote(options, Map.of(), new SessionStore(Path.of("/nonexistent")), new ConsolePrompter(),
                System::currentTimeMillis);
    }

    /** The candidates offered for the line typed so far (the cursor at its end), as value, or value+space. */
    private List<String> complete(String typed) {
        var line = new DefaultParser().parse(typed, typed.length(), Parser.ParseContext.COMPLETE);
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, line, candidates);
        return candidates.stream().map(c -> c.value() + (c.complete() ? " " : "")).toList();
    }

    @Test
    void theFirstWordCompletesToCommandsOfBothSides() {
        assertThat(complete("")).contains("ls ", "cd ", "put ", "get ", "df ", "lcd ", "lls ", "lpwd ", "exit ",
                "quit ", "help ");
    }

    @Test
    void remoteArgumentsCompleteToRemoteNamesWithDirectoriesOpen() {
        assertThat(complete("ls ")).containsExactly("文档/", "报告.txt ", "photos/");
        assertThat(complete("cd 文")).containsExactly("文档/", "报告.txt ", "photos/");
        assertThat(complete("stat 文档/年")).containsExactly("文档/年度 总结.pdf ", "文档/草稿/");
        assertThat(complete("rm -r /")).containsExactly("/top/");
        assertThat(complete("mv 报告.txt 文档/")).containsExactly("文档/年度 总结.pdf ", "文档/草稿/");
    }

    @Test
    void putTakesALocalPathThenARemoteOneAndGetTheOtherWayRound() {
        assertThat(complete("put ")).containsExactly("big.iso ", "src/");
        assertThat(complete("put -r src ")).containsExactly("文档/", "报告.txt ", "photos/");
        assertThat(complete("get ")).containsExactly("文档/", "报告.txt ", "photos/");
        assertThat(complete("get 报告.txt ")).containsExactly("big.iso ", "src/");
        assertThat(complete("lcd ")).containsExactly("big.iso ", "src/");
        assertThat(complete("lls ")).containsExactly("big.iso ", "src/");
    }

    @Test
    void optionsCompleteToTheCommandsOptionsAndTheirValuesAreNotArguments() {
        assertThat(complete("ls -")).contains("-l ", "--json ", "--help ");
        assertThat(complete("ping -c ")).isEmpty();
    }

    @Test
    void nothingIsOfferedWhereThereIsNoPathOrTheDirectoryCannotBeListed() {
        assertThat(complete("pwd ")).isEmpty();
        assertThat(complete("df ")).isEmpty();
        assertThat(complete("ls nowhere/")).isEmpty();
        assertThat(complete("bogus ")).isEmpty();
    }
}
