package netdisk.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import netdisk.client.FakeServer;
import netdisk.client.NetdiskClient;
import netdisk.protocol.ResumeFrom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one-shot commands as a script would run them, in this JVM, against {@link FakeServer}: logins and the saved
 * session, the working directory across runs, transfers, and the exit code and message of each failure.
 */
class OneShotTest {

    @TempDir
    Path home;

    @TempDir
    Path local;

    private final FakeServer server = FakeServer.start().addUser("alice", "pw-alice").addUser("bob", "pw-bob")
            .addUser("cd", "pw-cd").addUser("get", "pw-get");
    private final Map<String, String> environment = new HashMap<>();
    private final Deque<String> answers = new ArrayDeque<>();
    private final List<String> asked = new ArrayList<>();
    private boolean terminal;

    OneShotTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    record Run(int exitCode, String out, String err) {
    }

    private Run run(String... args) {
        environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        environment.put("HOME", home.toString());
        var out = new StringWriter();
        var err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--port", Integer.toString(server.port())));
        all.addAll(List.of(args));
        int code = ClientMain.run(environment, new ScriptedPrompter(), new PrintWriter(out), new PrintWriter(err),
                all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private Run ok(String... args) {
        Run run = run(args);
        assertThat(run.exitCode()).as("%s: %s", String.join(" ", args), run.err()).isZero();
        return run;
    }

    private Path sessionFile() {
        return home.resolve("config/netdisk/session-127.0.0.1-" + server.port());
    }

    /** Answers prompts from {@link #answers}, as if typed at a terminal (when {@link #terminal} is set). */
    private final class ScriptedPrompter implements Prompter {
        @Override
        public boolean interactive() {
            return terminal;
        }

        @Override
        public String readLine(String prompt) {
            asked.add(prompt);
            return answers.remove();
        }

        @Override
        public char[] readPassword(String prompt) {
            asked.add(prompt);
            return answers.remove().toCharArray();
        }
    }

    @Test
    void withNothingSavedAndNoUserTheMessageSaysHowToLogIn() {
        Run run = run("ls");
        assertThat(run.exitCode()).isEqualTo(10);
        assertThat(run.err()).isEqualTo("netdisk: not logged in to 127.0.0.1:" + server.port()
                + ": run `netdisk --user NAME login` first\n");
    }

    @Test
    void loginAsksThePasswordSavesTheSession0600AndLaterCommandsNeedNoPassword() throws Exception {
        terminal = true;
        answers.add("pw-alice");
        Run login = ok("--user", "alice", "login");
        assertThat(asked).containsExactly("Password for alice@127.0.0.1:" + server.port() + ": ");
        assertThat(login.out()).startsWith("logged in as alice at 127.0.0.1:" + server.port());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionFile())))
                .isEqualTo("rw-------");
        assertThat(Files.readString(sessionFile())).doesNotContain("pw-alice");

        terminal = false;
        ok("mkdir", "文档");
        assertThat(ok("ls").out()).isEqualTo("文档/\n");
        assertThat(asked).hasSize(1);
    }

    @Test
    void thePasswordComesFromTheFileBeforeTheEnvironmentAndAWrongOneIsExit10() throws Exception {
        Path file = local.resolve("password");
        Files.writeString(file, "pw-alice\n");
        environment.put("NETDISK_PASSWORD", "wrong");
        ok("--user", "alice", "--password-file", file.toString(), "login");
        Run wrong = run("--user", "alice", "login");
        assertThat(wrong.exitCode()).isEqualTo(10);
        assertThat(wrong.err()).startsWith("netdisk: login failed: ");
        Run missing = run("--user", "alice", "--password-file", local.resolve("none").toString(), "login");
        assertThat(missing.exitCode()).isEqualTo(7);
        assertThat(missing.err()).contains("no such password file");
    }

    @Test
    void aRefusedTokenFallsBackToThePasswordOrSaysClearlyThatNoneIsAvailable() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("--user", "alice", "login");
        server.revokeTokens();
        environment.remove("NETDISK_PASSWORD");
        Run noPassword = run("ls");
        assertThat(noPassword.exitCode()).isEqualTo(10);
        assertThat(noPassword.err()).contains("a password is needed for alice",
                "the saved login has expired or was revoked", "set NETDISK_PASSWORD or give --password-file FILE");

        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("ls");
        environment.remove("NETDISK_PASSWORD");
        ok("ls"); // the new token was saved
    }

    @Test
    void anotherUserThanTheSavedOneLogsInAsThatUser() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("--user", "alice", "login");
        ok("mkdir", "alice-only");
        environment.put("NETDISK_PASSWORD", "pw-bob");
        assertThat(ok("ls", "--user", "bob").out()).isEmpty();
        environment.remove("NETDISK_PASSWORD");
        assertThat(ok("ls").out()).isEmpty(); // bob's login is the saved one now
        assertThat(ok("pwd").out()).isEqualTo("/\n");
    }

    /** Option values are values, even when they are the names of commands. */
    @Test
    void usersNamedLikeCommandsLogIn() {
        environment.put("NETDISK_PASSWORD", "pw-cd");
        ok("--user", "cd", "login");
        assertThat(ok("ls", "--user", "cd").out()).isEmpty();
        environment.put("NETDISK_PASSWORD", "pw-get");
        ok("--user=get", "login");
        assertThat(ok("pwd").out()).isEqualTo("/\n");
    }

    @Test
    void cdHoldsForTheNextCommandAndDotDotIsResolvedByTheClient() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("--user", "alice", "mkdir", "-p", "a/b/c");
        ok("cd", "a/b");
        assertThat(ok("pwd").out()).isEqualTo("/a/b\n");
        assertThat(ok("ls").out()).isEqualTo("c/\n");
        ok("cd", "../..");
        assertThat(ok("pwd").out()).isEqualTo("/\n");
        ok("cd", "a/./b/c/../../..");
        assertThat(ok("pwd").out()).isEqualTo("/\n");
        assertThat(ok("ls", "..").out()).isEqualTo("a/\n");
        Run file = run("cd", "nowhere");
        assertThat(file.exitCode()).isEqualTo(6);
    }

    @Test
    void logoutRevokesTheTokenAndDeletesTheSavedSession() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("--user", "alice", "login");
        String token = Files.readAllLines(sessionFile()).stream().filter(l -> l.startsWith("token="))
                .findFirst().orElseThrow().substring(6);
        assertThat(ok("logout").out()).isEqualTo("logged out of 127.0.0.1:" + server.port() + "\n");
        assertThat(sessionFile()).doesNotExist();
        try (var client = NetdiskClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> client.loginWithToken("alice", token))
                    .hasMessageStartingWith("login failed");
        }
        assertThat(ok("logout").out()).startsWith("not logged in");
    }

    @Test
    void registerCreatesTheAccountWhenAllowedAndSaysSoWhenNot() {
        environment.put("NETDISK_PASSWORD", "pw-carol");
        Run closed = run("register", "carol");
        assertThat(closed.exitCode()).isEqualTo(16);
        assertThat(closed.err()).isEqualTo("netdisk: registration closed: self-registration is off on this server\n");
        server.registrationOpen(true);
        assertThat(ok("register", "carol").out()).startsWith("registered and logged in as carol");
        assertThat(ok("pwd").out()).isEqualTo("/\n");
        Run again = run("register", "carol");
        assertThat(again.exitCode()).isEqualTo(12);
    }

    @Test
    void registerAsksThePasswordTwiceAtATerminal() {
        server.registrationOpen(true);
        terminal = true;
        answers.addAll(List.of("dave", "pw1", "pw2"));
        Run differ = run("register");
        assertThat(differ.exitCode()).isEqualTo(10);
        assertThat(differ.err()).contains("the two passwords differ");
        answers.addAll(List.of("dave", "pw1", "pw1"));
        ok("register");
        assertThat(asked).contains("User name: ", "Once more: ");
    }

    @Test
    void putAndGetRoundTripChineseNamesExactly() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        Path original = local.resolve("数据 (final).bin");
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        Files.write(original, content);
        ok("--user", "alice", "mkdir", "目录");
        Run put = ok("put", "-q", original.toString(), "目录");
        assertThat(put.out()).isEmpty();
        assertThat(server.content("alice", "/目录/数据 (final).bin")).isEqualTo(content);
        assertThat(ok("put", original.toString()).out()).isEqualTo("put: " + original + " -> /数据 (final).bin ("
                + "293 KiB, instant)\n"); // the server has that content already

        Path copy = local.resolve("copy.bin");
        ok("get", "目录/数据 (final).bin", copy.toString());
        assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        Files.createDirectory(local.resolve("into"));
        ok("get", "-q", "/目录/数据 (final).bin", local.resolve("into").toString());
        assertThat(local.resolve("into/数据 (final).bin")).hasBinaryContent(content);
    }

    @Test
    void anInterruptedGetKeepsItsPartialFileAndTheNextGetResumesAndSaysSo() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        byte[] content = new byte[3 << 20];
        new Random(9).nextBytes(content);
        server.file("alice", "/big.iso", content);
        server.cutDownloadsAt(1_300_000);
        Path target = local.resolve("big.iso");
        Path partial = local.resolve(".big.iso.netdisk-part");
        Run cut = run("--user", "alice", "get", "/big.iso", target.toString());
        assertThat(cut.exitCode()).as(cut.err()).isEqualTo(8);
        assertThat(target).doesNotExist();
        assertThat(partial).hasSize(1_300_000);

        server.cutDownloadsAt(-1);
        Run resumed = ok("get", "/big.iso", target.toString());
        assertThat(resumed.out()).isEqualTo("get: /big.iso -> " + target + " (3.00 MiB, resumed from 1.24 MiB)\n");
        assertThat(target).hasBinaryContent(content);
        assertThat(partial).doesNotExist();
        assertThat(server.resumedFrom()).containsExactly(0L, 1_300_000L);

        Files.write(partial, Arrays.copyOf(content, 1_000_000));
        Run again = ok("get", "--no-resume", "/big.iso", target.toString());
        assertThat(again.out()).isEqualTo("get: /big.iso -> " + target + " (3.00 MiB)\n");
        assertThat(target).hasBinaryContent(content);
        assertThat(partial).doesNotExist();
        assertThat(server.resumedFrom()).containsExactly(0L, 1_300_000L, 0L);

        Files.write(partial, Arrays.copyOf(content, 1_000_000));
        ok("get", "--resume", "-q", "/big.iso", target.toString());
        assertThat(server.resumedFrom()).containsExactly(0L, 1_300_000L, 0L, 1_000_000L);
    }

    @Test
    void getRecursiveResumesEachFileThatHasAPartialFile() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        byte[] content = new byte[200_000];
        new Random(10).nextBytes(content);
        server.directory("alice", "/树");
        server.file("alice", "/树/a.bin", content);
        server.file("alice", "/树/b.bin", "b".getBytes(StandardCharsets.UTF_8));
        Path back = Files.createDirectories(local.resolve("back/树"));
        Files.write(back.resolve(".a.bin.netdisk-part"), Arrays.copyOf(content, 150_000));
        Run get = ok("--user", "alice", "get", "-r", "/树", local.resolve("back").toString());
        assertThat(get.out()).isEqualTo("get: /树 -> " + back + " (2 files, 195 KiB, 146 KiB of it resumed)\n");
        assertThat(back.resolve("a.bin")).hasBinaryContent(content);
        try (var files = Files.list(back)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.bin", "b.bin");
        }
    }

    @Test
    void aLocalTargetTypedWithATrailingSlashMustBeADirectory() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        server.file("alice", "/f.bin", "content".getBytes(StandardCharsets.UTF_8));
        String missing = local.resolve("back") + "/";
        Run get = run("--user", "alice", "get", "/f.bin", missing);
        assertThat(get.exitCode()).isEqualTo(7);
        assertThat(get.err()).isEqualTo("netdisk: no such directory: " + missing + "\n");
        assertThat(local.resolve("back")).doesNotExist();

        Files.writeString(local.resolve("plain"), "x");
        Run onFile = run("get", "/f.bin", local.resolve("plain") + "/");
        assertThat(onFile.exitCode()).isEqualTo(7);
        assertThat(onFile.err()).isEqualTo("netdisk: " + local.resolve("plain") + "/ is not a directory\n");
        assertThat(local.resolve("plain")).hasContent("x");

        Files.createDirectory(local.resolve("back"));
        ok("get", "-q", "/f.bin", missing);
        assertThat(local.resolve("back/f.bin")).hasContent("content");
    }

    @Test
    void aGetIntoATargetThatAnotherDownloadHoldsIsALocalFileProblem() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        server.file("alice", "/f.bin", "content".getBytes(StandardCharsets.UTF_8));
        Path target = local.resolve("f.bin");
        Path partial = local.resolve(".f.bin.netdisk-part");
        try (var held = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var lock = held.lock()) {
            Run get = run("--user", "alice", "get", "/f.bin", target.toString());
            assertThat(get.exitCode()).isEqualTo(7);
            assertThat(get.err()).isEqualTo("netdisk: another download into " + target + " is running (its partial"
                    + " file " + partial + " is locked)\n");
        }
        assertThat(target).doesNotExist();
        ok("get", "/f.bin", target.toString());
        assertThat(target).hasContent("content");
    }

    @Test
    void putSaysInstantWhenTheServerHadTheContentAlready() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        byte[] content = new byte[300_000];
        new Random(8).nextBytes(content);
        Path file = Files.write(local.resolve("a.bin"), content);
        assertThat(ok("--user", "alice", "put", file.toString(), "/a.bin").out())
                .isEqualTo("put: " + file + " -> /a.bin (293 KiB)\n");
        assertThat(ok("put", file.toString(), "/b.bin").out())
                .isEqualTo("put: " + file + " -> /b.bin (293 KiB, instant)\n");
        assertThat(server.content("alice", "/b.bin")).isEqualTo(content);
        assertThat(server.contentReceived()).isEqualTo(1);

        Path tree = Files.createDirectories(local.resolve("tree"));
        Files.write(tree.resolve("same.bin"), content);
        Files.writeString(tree.resolve("new.txt"), "new");
        assertThat(ok("put", "-r", tree.toString(), "/").out())
                .isEqualTo("put: " + tree + " -> /tree (2 files, 293 KiB, 1 instant)\n");
    }

    @Test
    void putSaysWhereAResumedUploadWentOnFrom() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        byte[] content = new byte[300_000];
        new Random(9).nextBytes(content);
        Path file = Files.write(local.resolve("a.bin"), content);
        server.keeps("alice", "/a.bin", Arrays.copyOf(content, 100_000));

        assertThat(ok("--user", "alice", "put", file.toString(), "/a.bin").out())
                .isEqualTo("put: " + file + " -> /a.bin (293 KiB, resumed from 97.7 KiB)\n");
        assertThat(server.contentBytesReceived()).isEqualTo(200_000);

        Path tree = Files.createDirectories(local.resolve("tree"));
        byte[] other = new byte[300_000];
        new Random(10).nextBytes(other);
        Files.write(tree.resolve("c.bin"), other);
        server.keeps("alice", "/tree/c.bin", Arrays.copyOf(other, 100_000));
        assertThat(ok("put", "-r", tree.toString(), "/").out())
                .isEqualTo("put: " + tree + " -> /tree (1 file, 293 KiB, 1 resumed)\n");
        assertThat(server.content("alice", "/tree/c.bin")).isEqualTo(other);
        assertThat(server.resumeAnswers()).hasSize(2);
    }

    @Test
    void putWithNoResumeSendsEverythingAgain() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        byte[] content = new byte[300_000];
        new Random(11).nextBytes(content);
        Path file = Files.write(local.resolve("a.bin"), content);
        server.keeps("alice", "/a.bin", Arrays.copyOf(content, 100_000));

        assertThat(ok("--user", "alice", "put", "--no-resume", file.toString(), "/a.bin").out())
                .isEqualTo("put: " + file + " -> /a.bin (293 KiB)\n");

        assertThat(server.contentBytesReceived()).isEqualTo(300_000);
        assertThat(server.resumeAnswers()).containsExactly(new ResumeFrom(0, ""));
        assertThat(server.content("alice", "/a.bin")).isEqualTo(content);
    }

    @Test
    void anUploadTheServerFindsDamagedIsExit18AndNothingIsStored() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        Path file = Files.writeString(local.resolve("f.txt"), "some content");
        server.damageUploads(true);
        Run put = run("--user", "alice", "put", file.toString());
        assertThat(put.exitCode()).isEqualTo(18);
        assertThat(put.err()).startsWith("netdisk: transfer failed: /f.txt: the content's SHA-256 is ");
        assertThat(server.exists("alice", "/f.txt")).isFalse();
    }

    @Test
    void aDownloadThatDoesNotMatchItsSha256IsExit18AndLeavesNoFile() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        server.file("alice", "/f.bin", "the real content".getBytes(StandardCharsets.UTF_8));
        server.damageDownloads(true);
        Path target = local.resolve("f.bin");
        Run get = run("--user", "alice", "get", "/f.bin", target.toString());
        assertThat(get.exitCode()).isEqualTo(18);
        assertThat(get.err()).startsWith("netdisk: /f.bin did not match its SHA-256: the server announced ");
        assertThat(local).isEmptyDirectory(); // neither the file nor its temporary file

        Files.writeString(target, "an older copy");
        assertThat(run("get", "/f.bin", target.toString()).exitCode()).isEqualTo(18);
        assertThat(target).hasContent("an older copy");
        try (var files = Files.list(local)) {
            assertThat(files).containsExactly(target);
        }

        Path tree = local.resolve("tree");
        assertThat(run("get", "-r", "/", tree.toString()).exitCode()).isEqualTo(18);
        assertThat(tree).isEmptyDirectory();
    }

    @Test
    void putAndGetNeedAServerThatVerifies() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        server.speaksMinor(1);
        Path file = Files.writeString(local.resolve("f.txt"), "x");
        Run put = run("--user", "alice", "put", file.toString());
        assertThat(put.exitCode()).isEqualTo(5);
        assertThat(put.err()).isEqualTo("netdisk: the server speaks protocol 1.1, and a verified upload needs 1.2: "
                + "upgrade the server\n");
    }

    @Test
    void putIntoAMissingDirectoryIsNotFoundAndOfADirectoryNeedsR() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        Path file = Files.writeString(local.resolve("f.txt"), "x");
        Run missing = run("--user", "alice", "put", file.toString(), "/no/f.txt");
        assertThat(missing.exitCode()).isEqualTo(6);
        Run directory = run("put", local.toString());
        assertThat(directory.exitCode()).isEqualTo(7);
        assertThat(directory.err()).isEqualTo("netdisk: " + local + " is a directory: use put -r\n");
    }

    @Test
    void putAndGetRecursivelySkippingSymbolicLinksWithAWarning() throws Exception {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        Path tree = Files.createDirectories(local.resolve("树/子目录"));
        Files.writeString(tree.resolve("深.txt"), "deep", StandardCharsets.UTF_8);
        Files.writeString(local.resolve("树/top.txt"), "top");
        Files.createDirectory(local.resolve("树/empty"));
        Files.createSymbolicLink(local.resolve("树/link"), Path.of("top.txt"));
        Run put = ok("--user", "alice", "put", "-r", "-q", local.resolve("树").toString());
        assertThat(put.err()).isEqualTo("netdisk: put: skipping symbolic link " + local.resolve("树/link") + "\n");
        assertThat(server.content("alice", "/树/子目录/深.txt")).asString(StandardCharsets.UTF_8).isEqualTo("deep");
        assertThat(server.exists("alice", "/树/empty")).isTrue();
        assertThat(server.exists("alice", "/树/link")).isFalse();

        Path back = local.resolve("back");
        Run get = ok("get", "-r", "树", back.toString());
        assertThat(get.out()).isEqualTo("get: /树 -> " + back + " (2 files, 7 B)\n");
        assertThat(back.resolve("子目录/深.txt")).hasContent("deep");
        assertThat(back.resolve("top.txt")).hasContent("top");
        assertThat(back.resolve("empty")).isEmptyDirectory();
    }

    @Test
    void eachRefusalHasItsExitCodeAndAMessageNamingWhatFailed() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("--user", "alice", "mkdir", "-p", "d/e");
        server.file("alice", "/f", new byte[1]);
        assertThat(run("mkdir", "d")).isEqualTo(new Run(12, "", "netdisk: already exists: /d exists\n"));
        assertThat(run("rm", "d")).isEqualTo(new Run(14, "", "netdisk: not empty: /d is not empty\n"));
        assertThat(run("cd", "f")).isEqualTo(new Run(13, "", "netdisk: not a directory: /f is a file\n"));
        assertThat(run("mv", "d", "d/e")).isEqualTo(new Run(17, "",
                "netdisk: invalid operation: cannot move /d into itself\n"));
        assertThat(run("stat", "a\0b").exitCode()).isEqualTo(6);
        assertThat(run("ls", "x".repeat(256)).err()).startsWith("netdisk: name too long: 256 bytes");
        assertThat(run("rm", "-r", "d").exitCode()).isZero();
        assertThat(run("ls").out()).isEqualTo("f\n");
    }

    @Test
    void mvAndCpWithATrailingSlashGoIntoTheDirectory() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        ok("--user", "alice", "mkdir", "d");
        server.file("alice", "/f", new byte[3]);
        ok("cp", "f", "d/");
        ok("mv", "f", "g");
        assertThat(ok("ls", "d").out()).isEqualTo("f\n");
        assertThat(ok("ls").out()).isEqualTo("d/\ng\n");
        assertThat(run("mv", "g", "missing/").exitCode()).isEqualTo(6);
    }

    @Test
    void dfShowsUsageAndQuota() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        server.file("alice", "/f", new byte[2048]);
        assertThat(ok("--user", "alice", "df").out()).isEqualTo(
                "used:   2.00 KiB in 1 file\nquota:  no quota\nfree on server: 1.00 TiB\n");
        server.quota(8192);
        assertThat(ok("df").out()).contains("quota:  8.00 KiB (25.0% used, 6.00 KiB left)");
    }

    @Test
    void jsonOutputsAreMachineReadable() {
        environment.put("NETDISK_PASSWORD", "pw-alice");
        server.file("alice", "/f", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(ok("--user", "alice", "ls", "--json").out()).matches(
                "\\[\\{\"name\":\"f\",\"type\":\"file\",\"size\":5,\"modified\":\"[0-9T:.-]+Z\",\"sha256\":"
                        + "\"2cf24dba[0-9a-f]{56}\"}]\n");
        assertThat(ok("stat", "--json", "/f").out()).startsWith("{\"path\":\"/f\",\"name\":\"f\",");
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        String help = ok("--help").out();
        for (String command : List.of("ls", "cd", "pwd", "mkdir", "rm", "mv", "cp", "stat", "put", "get", "df",
                "login", "logout", "register", "ping", "help")) {
            assertThat(help).contains("\n  " + command + " ");
        }
        assertThat(help.replaceAll("\\s+", " ")).contains("16 registration closed or refused, 17 invalid operation",
                "18 content did not match its SHA-256.");
    }
}
