package netdisk.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdisk.server.auth.PasswordHasher;
import netdisk.server.storage.BlobId;
import netdisk.server.storage.BlobWriter;
import netdisk.server.storage.FileBlobStore;
import netdisk.server.storage.JdbcMetadataStore;
import netdisk.server.storage.Name;
import netdisk.server.storage.User;

import picocli.CommandLine;

class UserCommandTest {

    private static final String PASSWORD = "correct horse";

    @TempDir
    Path data;

    @TempDir
    Path files;

    /** What a run printed and returned. */
    record Result(int exit, String out, String err) {
    }

    /** The terminal's answers, in order; every prompt is recorded. */
    private final List<String> prompts = new ArrayList<>();

    @Test
    void addListPasswdQuotaAndDelRoundTrip() throws Exception {
        Result added = user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice", "--quota", "10G");
        Path file = Files.writeString(files.resolve("pw"), "another password\n");
        user(Map.of(), "add", "张伟", "--password-file", file.toString());

        assertThat(added).isEqualTo(new Result(0, "added user alice (quota: 10 GiB)\n", ""));
        assertThat(storedUser("alice").quotaBytes()).hasValue(10L << 30);
        assertThat(verify("alice", PASSWORD)).isTrue();
        assertThat(verify("张伟", "another password")).isTrue();
        assertThat(storedUser("张伟").quotaBytes()).isEmpty();

        Result list = user(Map.of(), "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().toList()).hasSize(3);
        assertThat(list.out().lines().toList().get(0)).matches("USED +QUOTA +CREATED +NAME");
        assertThat(list.out().lines().toList().get(1)).matches("0 B +10 GiB +\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}Z +alice");
        assertThat(list.out().lines().toList().get(2)).matches("0 B +none +\\S+ +张伟");
        assertThat(user(Map.of(), "list", "--json").out()).matches("\\["
                + "\\{\"name\":\"alice\",\"quota_bytes\":10737418240,\"used_bytes\":0,\"created\":\"[-T:\\dZ]{20}\"},"
                + "\\{\"name\":\"张伟\",\"quota_bytes\":null,\"used_bytes\":0,\"created\":\"[-T:\\dZ]{20}\"}"
                + "]\n");

        assertThat(user(Map.of("NETDISK_PASSWORD", "new password!"), "passwd", "alice"))
                .isEqualTo(new Result(0, "changed the password of alice\n", ""));
        assertThat(verify("alice", "new password!")).isTrue();
        assertThat(verify("alice", PASSWORD)).isFalse();

        assertThat(user(Map.of(), "quota", "alice", "1.5T").out()).isEqualTo("quota of alice: 1.5 TiB (0 B used)\n");
        assertThat(storedUser("alice").quotaBytes()).hasValue(3L << 39);
        assertThat(user(Map.of(), "quota", "alice", "none").out()).isEqualTo("quota of alice: none (0 B used)\n");
        assertThat(storedUser("alice").quotaBytes()).isEmpty();

        assertThat(user(Map.of(), "del", "alice").out()).isEqualTo("deleted user alice; removed 0 blobs no other file "
                + "uses (0 B)\n");
        assertThat(user(Map.of(), "list").out().lines()).hasSize(2).last().asString().endsWith("张伟");
        assertThat(prompts).isEmpty();
    }

    @Test
    void aSecondUserOfTheSameNameIsRefusedBeforeAnyPasswordIsAskedFor() throws Exception {
        user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice");

        Result again = user(Map.of(), "add", "alice");

        assertThat(again.exit()).isEqualTo(ServerMain.FAILED);
        assertThat(again.err()).isEqualTo("netdisk-server: user alice exists\n");
        assertThat(prompts).isEmpty();
        assertThat(verify("alice", PASSWORD)).isTrue();
    }

    @Test
    void namesOutsideTheRuleAreUsageErrors() throws Exception {
        for (String bad : List.of("", ".", "..", "a/b", "a b", "semi;colon", "tab\there", "x".repeat(65), "o'brien",
                "at@host", "🙂")) {
            Result result = user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", bad);

            assertThat(result.exit()).as(bad).isEqualTo(ServerMain.USAGE);
            assertThat(result.err()).as(bad).contains("is not a user name", UserNames.RULE);
        }
        for (String good : List.of("x".repeat(64), "a.b-c_d", "Ünal", "李小龙", "user42", "...")) {
            assertThat(user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", good).exit()).as(good).isZero();
        }
        assertThat(user(Map.of(), "list").out().lines()).hasSize(7);
    }

    @Test
    void thePasswordFileGivesItsFirstLineWithoutTheLineEnd() throws Exception {
        Path file = Files.writeString(files.resolve("pw"), "  spaces kept  \r\nsecond line\n");

        assertThat(user(Map.of(), "add", "alice", "--password-file", file.toString()).exit()).isZero();

        assertThat(verify("alice", "  spaces kept  ")).isTrue();
    }

    @Test
    void withoutAnyPasswordSourceItIsAUsageErrorThatSaysWhatToDo() throws Exception {
        Result result = user(Map.of(), Optional.empty(), "add", "alice");

        assertThat(result.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(result.err()).contains("no password", "NETDISK_PASSWORD", "--password-file", "terminal");
        assertThat(user(Map.of(), "list").out().lines()).hasSize(1);
    }

    @Test
    void shortEmptyAndDoublySourcedPasswordsAreRefused() throws Exception {
        Path file = Files.writeString(files.resolve("pw"), "long enough\n");

        Result empty = user(Map.of("NETDISK_PASSWORD", ""), "add", "alice");
        Result short7 = user(Map.of("NETDISK_PASSWORD", "1234567"), "add", "alice");
        Result both = user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice", "--password-file", file.toString());

        assertThat(empty.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(empty.err()).contains("the password is empty: it needs at least 8 characters");
        assertThat(short7.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(short7.err()).contains("the password is too short: it needs at least 8 characters");
        assertThat(both.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(both.err()).contains("not both");
        assertThat(user(Map.of("NETDISK_PASSWORD", "12345678"), "add", "alice").exit()).isZero();
    }

    @Test
    void theTerminalIsAskedTwiceAndBothAnswersMustMatch() throws Exception {
        Result mismatch = user(Map.of(), terminal("first password", "second password"), "add", "alice");

        assertThat(mismatch.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(mismatch.err()).contains("the two passwords differ");
        assertThat(prompts).containsExactly("New password for alice: ", "Again: ");

        assertThat(user(Map.of(), terminal(PASSWORD, PASSWORD), "add", "alice").exit()).isZero();
        assertThat(verify("alice", PASSWORD)).isTrue();
        assertThat(user(Map.of(), terminal(), "passwd", "alice").err()).contains("no password given");
    }

    @Test
    void aMissingPasswordFileIsAFailure() throws Exception {
        Result result = user(Map.of(), "add", "alice", "--password-file", files.resolve("nope").toString());

        assertThat(result.exit()).isEqualTo(ServerMain.FAILED);
        assertThat(result.err()).contains("cannot read the password file", "no such file");
    }

    @Test
    void commandsOnAMissingUserOrDataDirectoryFailClearly() throws Exception {
        user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice");

        for (String[] args : List.of(new String[] {"del", "bob"}, new String[] {"passwd", "bob"},
                new String[] {"quota", "bob", "1G"})) {
            Result result = user(Map.of("NETDISK_PASSWORD", PASSWORD), args);
            assertThat(result.exit()).isEqualTo(ServerMain.FAILED);
            assertThat(result.err()).isEqualTo("netdisk-server: no such user: bob\n");
        }
        Path typo = data.resolve("typo");
        Result list = run(Map.of(), Optional.empty(), "user", "list", "--data", typo.toString());
        assertThat(list.exit()).isEqualTo(ServerMain.FAILED);
        assertThat(list.err()).contains("no accounts in " + typo, "user add");
        assertThat(typo).doesNotExist();
    }

    @Test
    void usageErrorsOfTheUserCommands() throws Exception {
        user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice");

        assertThat(run(Map.of(), Optional.empty(), "user").exit()).isEqualTo(ServerMain.USAGE);
        assertThat(user(Map.of(), "quota", "alice").exit()).isEqualTo(ServerMain.USAGE);
        Result badSize = user(Map.of(), "quota", "alice", "10X");
        assertThat(badSize.exit()).isEqualTo(ServerMain.USAGE);
        assertThat(badSize.err()).contains("not a size", "or none");
        assertThat(user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "bob", "--quota", "-1").exit())
                .isEqualTo(ServerMain.USAGE);
        assertThat(user(Map.of(), "frobnicate").exit()).isEqualTo(ServerMain.USAGE);
    }

    @Test
    void loweringAQuotaBelowTheUsageSaysWhatThatMeans() throws Exception {
        user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice");
        try (JdbcMetadataStore store = JdbcMetadataStore.openSqlite(data)) {
            User alice = store.findUser(Name.of("alice")).orElseThrow();
            store.addFile(store.root(alice), Name.of("big"), new BlobId("b".repeat(64), 3 << 20));
        }

        Result result = user(Map.of(), "quota", "alice", "1M");

        assertThat(result.out()).isEqualTo("quota of alice: 1 MiB (3 MiB used)\n"
                + "they are over it: they can delete files but not add any until under it\n");
        assertThat(user(Map.of(), "list").out()).contains("3 MiB      1 MiB");
    }

    @Test
    void delRemovesTheBlobsOnlyThatUserReferredTo() throws Exception {
        user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "alice");
        user(Map.of("NETDISK_PASSWORD", PASSWORD), "add", "bob");
        FileBlobStore blobs = FileBlobStore.open(data);
        BlobId shared = commit(blobs, "both have this");
        BlobId bobsOnly = commit(blobs, "only bob has this, twice");
        try (JdbcMetadataStore store = JdbcMetadataStore.openSqlite(data)) {
            User alice = store.findUser(Name.of("alice")).orElseThrow();
            User bob = store.findUser(Name.of("bob")).orElseThrow();
            store.addFile(store.root(alice), Name.of("shared"), shared);
            store.addFile(store.root(bob), Name.of("shared"), shared);
            store.addFile(store.root(bob), Name.of("mine"), bobsOnly);
            store.addFile(store.mkdir(bob, List.of(Name.of("dir")), false), Name.of("mine again"), bobsOnly);
        }

        Result result = user(Map.of(), "del", "bob");

        assertThat(result).isEqualTo(new Result(0, "deleted user bob; removed 1 blob no other file uses (24 B)\n", ""));
        assertThat(blobs.exists(bobsOnly)).isFalse();
        assertThat(blobs.exists(shared)).isTrue();
        try (JdbcMetadataStore store = JdbcMetadataStore.openSqlite(data)) {
            assertThat(store.findUser(Name.of("bob"))).isEmpty();
            assertThat(store.isReferenced(bobsOnly.sha256())).isFalse();
            assertThat(store.isReferenced(shared.sha256())).isTrue();
        }
    }

    /** Any stored name can be listed as valid JSON and deleted, even one the add rule would not allow. */
    @Test
    void namesFromElsewhereAreEscapedInJsonAndCanBeDeleted() throws Exception {
        try (JdbcMetadataStore store = JdbcMetadataStore.openSqlite(data)) {
            store.createUser(Name.of("quote\"back\\slash\ttab"), "h", OptionalLong.of(5));
        }

        assertThat(user(Map.of(), "list", "--json").out())
                .startsWith("[{\"name\":\"quote\\\"back\\\\slash\\u0009tab\",\"quota_bytes\":5,");
        assertThat(user(Map.of(), "del", "quote\"back\\slash\ttab").exit()).isZero();
        assertThat(user(Map.of(), "list", "--json").out()).isEqualTo("[]\n");
    }

    @Test
    void theHelpStatesTheNameRuleAndThePasswordSources() {
        Result help = run(Map.of(), Optional.empty(), "user", "add", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains(UserNames.RULE, "$NETDISK_PASSWORD",
                "--password-file", "--quota", "At least 8 characters");
        assertThat(run(Map.of(), Optional.empty(), "user", "--help").out()).contains("add", "del", "passwd",
                "quota", "list", "Exit codes");
    }

    // ---- helpers

    /** {@code user ARGS --data DATA}, with a terminal that has no answers. */
    private Result user(Map<String, String> environment, String... args) {
        return user(environment, terminal(), args);
    }

    private Result user(Map<String, String> environment, Optional<PasswordInput.Terminal> terminal, String... args) {
        List<String> all = new ArrayList<>(List.of("user"));
        all.addAll(List.of(args));
        all.addAll(List.of("--data", data.toString()));
        return run(environment, terminal, all.toArray(String[]::new));
    }

    /** Callers give --data, or fail or print help before a data directory is opened: the default is the real one. */
    private Result run(Map<String, String> environment, Optional<PasswordInput.Terminal> terminal, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        CommandLine commandLine = ServerMain.commandLine(new PasswordInput(environment::get, () -> terminal));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = ServerMain.execute(commandLine, args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** A terminal that answers with {@code answers} in turn, then end of input. */
    private Optional<PasswordInput.Terminal> terminal(String... answers) {
        List<String> remaining = new ArrayList<>(List.of(answers));
        return Optional.of(prompt -> {
            prompts.add(prompt);
            return remaining.isEmpty() ? null : remaining.removeFirst().toCharArray();
        });
    }

    private User storedUser(String name) throws Exception {
        try (JdbcMetadataStore store = JdbcMetadataStore.openSqlite(data)) {
            return store.findUser(Name.of(name)).orElseThrow();
        }
    }

    private boolean verify(String name, String password) throws Exception {
        return new PasswordHasher().verify(storedUser(name).passwordHash(), password.toCharArray());
    }

    private static BlobId commit(FileBlobStore blobs, String content) throws Exception {
        try (BlobWriter writer = blobs.begin()) {
            writer.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            return writer.commit(Optional.empty());
        }
    }
}
