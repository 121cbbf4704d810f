package netdisk.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import netdisk.protocol.Entry;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.LoginOk;
import netdisk.protocol.UsageReply;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 1.1 requests of the library against {@link FakeServer}, which follows the protocol module's rules. */
class NetdiskClientTest {

    private final FakeServer server = FakeServer.start().addUser("alice", "s3cret");

    NetdiskClientTest() throws Exception {
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private NetdiskClient connect() throws Exception {
        return NetdiskClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(5));
    }

    @Test
    void requestsBeforeALoginAreRefusedWithAuthRequired() throws Exception {
        try (var client = connect()) {
            assertThatThrownBy(() -> client.list("/"))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.AUTH_REQUIRED));
            client.ping(); // the session goes on
        }
    }

    @Test
    void aWrongPasswordIsLoginFailedAndTheSessionGoesOn() throws Exception {
        try (var client = connect()) {
            assertThatThrownBy(() -> client.login("alice", "nope".toCharArray()))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.LOGIN_FAILED));
            LoginOk ok = client.login("alice", "s3cret".toCharArray());
            assertThat(ok.user()).isEqualTo("alice");
            assertThat(ok.toString()).doesNotContain(ok.token());
        }
    }

    @Test
    void aTokenLogsInOnAnotherConnectionUntilLogoutRevokesIt() throws Exception {
        LoginOk first;
        try (var client = connect()) {
            first = client.login("alice", "s3cret".toCharArray());
        }
        try (var client = connect()) {
            assertThat(client.loginWithToken("alice", first.token()).user()).isEqualTo("alice");
            assertThat(client.logout()).isEqualTo(1);
            assertThatThrownBy(() -> client.usage()).isInstanceOf(ServerRefusedException.class);
        }
        try (var client = connect()) {
            assertThatThrownBy(() -> client.loginWithToken("alice", first.token()))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.LOGIN_FAILED));
        }
    }

    @Test
    void registrationIsRefusedWhenClosedAndLogsInWhenOpen() throws Exception {
        try (var client = connect()) {
            assertThatThrownBy(() -> client.register("bob", "pw".toCharArray()))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.REGISTRATION_CLOSED));
            server.registrationOpen(true);
            assertThat(client.register("bob", "pw".toCharArray()).user()).isEqualTo("bob");
            assertThat(client.list("/")).isEmpty();
        }
    }

    @Test
    void aListingInManyFramesIsCollectedWhole() throws Exception {
        server.entriesPerFrame(3);
        try (var client = connect()) {
            client.login("alice", "s3cret".toCharArray());
            client.mkdir("/目录", false);
            for (int i = 0; i < 10; i++) {
                server.file("alice", "/目录/f" + i, new byte[i]);
            }
            var entries = client.list("/目录");
            assertThat(entries).extracting(Entry::name).containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6",
                    "f7", "f8", "f9");
            assertThat(entries.get(9).size()).isEqualTo(9);
            assertThat(client.list("/")).extracting(Entry::name).containsExactly("目录");
            client.ping(); // the stream is still in step after the last frame
        }
    }

    @Test
    void pipelinedMkdirsAndListingsAnswerEachInOrderAndReportTheFirstRefusalAfterAll() throws Exception {
        server.entriesPerFrame(2);
        try (var client = connect()) {
            client.login("alice", "s3cret".toCharArray());
            server.file("alice", "/blocker", new byte[1]);
            List<String> directories = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                directories.add(i == 50 ? "/blocker/sub" : "/d" + i + "/e");
            }
            assertThatThrownBy(() -> client.mkdirs(directories)).isInstanceOfSatisfying(ServerRefusedException.class,
                    e -> assertThat(e.getMessage()).contains("blocker"));
            assertThat(client.list("/")).hasSize(100); // 99 directories and the file: all but the refused one made

            for (int i = 0; i < 5; i++) {
                server.file("alice", "/d7/e/f" + i, new byte[i]);
            }
            List<String> paths = new ArrayList<>(List.of("/d7/e", "/missing", "/d8"));
            for (int i = 0; i < 40; i++) {
                paths.add("/d" + i);
            }
            assertThatThrownBy(() -> client.list(paths)).isInstanceOfSatisfying(ServerRefusedException.class,
                    e -> assertThat(e.getMessage()).contains("missing"));
            paths.remove("/missing");
            List<List<Entry>> listings = client.list(paths);
            assertThat(listings.get(0)).extracting(Entry::name).containsExactly("f0", "f1", "f2", "f3", "f4");
            assertThat(listings.get(1)).extracting(Entry::name).containsExactly("e");
            assertThat(listings).hasSize(42);
            client.ping(); // in step after all of them
        }
    }

    @Test
    void mkdirStatMoveCopyRemoveAndUsage() throws Exception {
        try (var client = connect()) {
            client.login("alice", "s3cret".toCharArray());
            assertThat(client.mkdir("/a/b", true).path()).isEqualTo("/a/b");
            assertThatThrownBy(() -> client.mkdir("/a", false))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.ALREADY_EXISTS));
            server.file("alice", "/a/f.txt", "hello".getBytes(StandardCharsets.UTF_8));
            var stat = client.stat("/a/f.txt");
            assertThat(stat.entry().size()).isEqualTo(5);
            assertThat(stat.entry().sha256()).startsWith("2cf24dba");
            assertThat(client.copy("/a/f.txt", "/a/b").path()).isEqualTo("/a/b/f.txt");
            assertThat(client.move("/a/f.txt", "/g.txt").path()).isEqualTo("/g.txt");
            assertThatThrownBy(() -> client.remove("/a", false))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.NOT_EMPTY));
            assertThat(client.remove("/a", true)).isEqualTo(3);
            UsageReply usage = client.usage();
            assertThat(usage.used()).isEqualTo(5);
            assertThat(usage.files()).isEqualTo(1);
            assertThat(usage.hasQuota()).isFalse();
        }
    }
}
