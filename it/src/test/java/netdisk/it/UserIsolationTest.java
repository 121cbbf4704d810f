package netdisk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferListener;
import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One user can never reach another's files: alice builds a tree; mallory, logged in on the same server (real worker
 * processes), tries every request on alice's paths and on paths climbing out with {@code ..}; each is refused and
 * alice's tree is unchanged. bob's paths of the same names are his own. Nothing but Ping and Login works before a
 * login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserIsolationTest {

    private static final Map<String, String> ALICE_FILES = new LinkedHashMap<>();

    static {
        ALICE_FILES.put("/docs/a.txt", "alice's a");
        ALICE_FILES.put("/docs/sub/b.txt", "alice's b");
        ALICE_FILES.put("/photos/c.jpg", "alice's picture");
        ALICE_FILES.put("/secret.txt", "alice's secret");
    }

    private ServerProcess server;
    private Path local;
    private Path probe;

    @BeforeAll
    void start(@TempDir Path data, @TempDir Path local) throws Exception {
        this.local = local;
        TestUsers.add(data, "alice", "mallory", "bob");
        server = ServerProcess.start(data, "process", "--workers", "2");
        try (var alice = Clients.login(server, "alice")) {
            alice.mkdir("/docs/sub", true);
            alice.mkdir("/photos", false);
            alice.mkdir("/empty", false);
            for (var file : ALICE_FILES.entrySet()) {
                Clients.put(alice, file.getValue().getBytes(StandardCharsets.UTF_8), file.getKey(), local);
            }
        }
        probe = Files.writeString(local.resolve("probe.txt"), "not alice's");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** alice's tree (every entry: name, kind, size, time, hash) and the content of each of her files. */
    private Map<String, Object> aliceSnapshot() throws IOException {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        try (var alice = Clients.login(server, "alice")) {
            Map<String, Entry> tree = Clients.tree(alice);
            snapshot.putAll(tree);
            for (var entry : tree.entrySet()) {
                if (!entry.getValue().isDirectory()) {
                    snapshot.put("content of " + entry.getKey(),
                            new String(Clients.bytes(alice, entry.getKey()), StandardCharsets.UTF_8));
                }
            }
        }
        return snapshot;
    }

    @Test
    void everyRequestBeforeALoginIsRefusedWithAuthRequired() throws IOException {
        try (var anonymous = NetdiskClient.connect("127.0.0.1", server.port(), Clients.TIMEOUT)) {
            anonymousRequestsAreRefused(anonymous);
            anonymous.ping();

            anonymous.login("alice", TestUsers.PASSWORD.toCharArray());
            assertThat(anonymous.list("/docs")).extracting(Entry::name).containsExactly("a.txt", "sub");
            assertThat(anonymous.logout()).isEqualTo(1);
            anonymousRequestsAreRefused(anonymous); // logged out is anonymous again
        }
    }

    private void anonymousRequestsAreRefused(NetdiskClient anonymous) {
        var sink = java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream());
        refused("list", () -> anonymous.list("/"), ErrorCode.AUTH_REQUIRED);
        refused("stat", () -> anonymous.stat("/docs/a.txt"), ErrorCode.AUTH_REQUIRED);
        refused("get", () -> anonymous.get("/docs/a.txt", sink, TransferListener.NONE), ErrorCode.AUTH_REQUIRED);
        refused("put", () -> Clients.put(anonymous, probe, "/docs/x.txt"), ErrorCode.AUTH_REQUIRED);
        refused("mkdir", () -> anonymous.mkdir("/x", true), ErrorCode.AUTH_REQUIRED);
        refused("rm", () -> anonymous.remove("/docs", true), ErrorCode.AUTH_REQUIRED);
        refused("mv", () -> anonymous.move("/docs/a.txt", "/a.txt"), ErrorCode.AUTH_REQUIRED);
        refused("cp", () -> anonymous.copy("/docs/a.txt", "/a.txt"), ErrorCode.AUTH_REQUIRED);
        refused("usage", anonymous::usage, ErrorCode.AUTH_REQUIRED);
        refused("logout", anonymous::logout, ErrorCode.AUTH_REQUIRED);
    }

    @Test
    void anotherUserCanNeitherSeeNorChangeAlicesTree() throws IOException {
        Map<String, Object> before = aliceSnapshot();
        try (var mallory = Clients.login(server, "mallory")) {
            Clients.put(mallory, probe, "/mine.txt");
            var sink = java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream());
            for (String path : List.of("/docs", "/docs/sub", "/photos", "/empty", "/alice", "/alice/docs",
                    "/home/alice/docs")) {
                refused("list " + path, () -> mallory.list(path), ErrorCode.NOT_FOUND);
                refused("mkdir in " + path, () -> mallory.mkdir(path + "/x", false), ErrorCode.NOT_FOUND);
                refused("put into " + path, () -> Clients.put(mallory, probe, path + "/evil.txt"),
                        ErrorCode.NOT_FOUND);
                refused("mv into " + path, () -> mallory.move("/mine.txt", path + "/mine.txt"), ErrorCode.NOT_FOUND);
                refused("cp into " + path, () -> mallory.copy("/mine.txt", path + "/mine.txt"), ErrorCode.NOT_FOUND);
            }
            for (String path : ALICE_FILES.keySet()) {
                var refusal = refused("stat " + path, () -> mallory.stat(path), ErrorCode.NOT_FOUND);
                assertThat(refusal.getMessage()).doesNotContain("alice");
                refused("get " + path, () -> mallory.get(path, sink, TransferListener.NONE), ErrorCode.NOT_FOUND);
                refused("rm " + path, () -> mallory.remove(path, false), ErrorCode.NOT_FOUND);
                refused("mv " + path, () -> mallory.move(path, "/stolen"), ErrorCode.NOT_FOUND);
                refused("cp " + path, () -> mallory.copy(path, "/stolen"), ErrorCode.NOT_FOUND);
            }
            refused("rm -r /docs", () -> mallory.remove("/docs", true), ErrorCode.NOT_FOUND);
            refused("mv /docs", () -> mallory.move("/docs", "/stolen"), ErrorCode.NOT_FOUND);

            // climbing out of the own tree with ..: refused as a path, whatever it would name
            for (String path : List.of("..", "/..", "../alice", "/../alice/docs/a.txt", "../docs/a.txt",
                    "/docs/../../alice/secret.txt", "/mine.txt/../../secret.txt", "./../secret.txt",
                    "/a/./b")) {
                refused("list " + path, () -> mallory.list(path), ErrorCode.BAD_PATH);
                refused("stat " + path, () -> mallory.stat(path), ErrorCode.BAD_PATH);
                refused("get " + path, () -> mallory.get(path, sink, TransferListener.NONE), ErrorCode.BAD_PATH);
                refused("put " + path, () -> Clients.put(mallory, probe, path), ErrorCode.BAD_PATH);
                refused("mkdir " + path, () -> mallory.mkdir(path, true), ErrorCode.BAD_PATH);
                refused("rm " + path, () -> mallory.remove(path, true), ErrorCode.BAD_PATH);
                refused("mv " + path, () -> mallory.move(path, "/stolen"), ErrorCode.BAD_PATH);
                refused("mv to " + path, () -> mallory.move("/mine.txt", path), ErrorCode.BAD_PATH);
                refused("cp " + path, () -> mallory.copy(path, "/stolen"), ErrorCode.BAD_PATH);
                refused("cp to " + path, () -> mallory.copy("/mine.txt", path), ErrorCode.BAD_PATH);
            }
            mallory.ping(); // refusals never end the session
            assertThat(Clients.tree(mallory)).as("mallory has only what mallory made").containsOnlyKeys("/mine.txt");
        }
        assertThat(aliceSnapshot()).as("alice's tree").isEqualTo(before);
    }

    @Test
    void pathsOfTheSameNamesInAnotherUsersTreeAreIndependent() throws IOException {
        Map<String, Object> before = aliceSnapshot();
        long aliceUsed;
        try (var alice = Clients.login(server, "alice")) {
            aliceUsed = alice.usage().used();
        }
        try (var bob = Clients.login(server, "bob")) {
            assertThat(bob.list("/")).as("a new user's tree is empty").isEmpty();
            bob.mkdir("/docs/sub", true);
            Clients.put(bob, "bob's a, longer than alice's".getBytes(StandardCharsets.UTF_8), "/docs/a.txt", local);
            Clients.put(bob, "bob's secret".getBytes(StandardCharsets.UTF_8), "/secret.txt", local);
            assertThat(bob.list("/docs")).extracting(Entry::name).containsExactly("a.txt", "sub");
            assertThat(new String(Clients.bytes(bob, "/docs/a.txt"), StandardCharsets.UTF_8))
                    .isEqualTo("bob's a, longer than alice's");
            assertThat(bob.usage().files()).isEqualTo(2);

            bob.move("/secret.txt", "/docs/sub");
            bob.copy("/docs/a.txt", "/docs/sub/a-copy.txt");
            assertThat(bob.remove("/docs", true)).as("/docs, a.txt, sub, secret.txt, a-copy.txt").isEqualTo(5);
            assertThat(bob.list("/")).isEmpty();
        }
        assertThat(aliceSnapshot()).as("alice's tree").isEqualTo(before);
        try (var alice = Clients.login(server, "alice")) {
            assertThat(alice.usage().used()).isEqualTo(aliceUsed);
        }
    }
}
