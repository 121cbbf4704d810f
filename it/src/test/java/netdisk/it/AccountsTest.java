package netdisk.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import netdisk.client.NetdiskClient;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.LoginOk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Logins as a client sees them, against a real server: failures that do not tell whether a user exists, the throttle,
 * tokens that log later connections in until a logout revokes them, and self-registration only when the operator
 * allows it. Each is in the audit log, which never holds a password or a token.
 */
class AccountsTest {

    @TempDir
    Path data;

    @TempDir
    Path local;

    /** Every secret a test used: none may appear in the audit log. */
    private final List<String> secrets = new ArrayList<>(List.of(TestUsers.PASSWORD));

    private static NetdiskClient connect(ServerProcess server) throws IOException {
        return NetdiskClient.connect("127.0.0.1", server.port(), Clients.TIMEOUT);
    }

    /** Waits for an audit line with all of {@code parts}; then checks that no secret is anywhere in the log. */
    private void audited(String... parts) throws IOException {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(DataDir.auditLines(data))
                .anySatisfy(line -> assertThat(line).contains(parts)));
    }

    private void noSecretsInTheAuditLog() throws IOException {
        String audit = DataDir.auditText(data);
        assertThat(audit).isNotEmpty();
        for (String secret : secrets) {
            assertThat(audit).as("the audit log holds no password or token").doesNotContain(secret);
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheIdenticalAnswer() throws Exception {
        TestUsers.add(data, "alice");
        secrets.add("wrong password");
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var client = connect(server)) {
            var wrongPassword = refused("alice, wrong password",
                    () -> client.login("alice", "wrong password".toCharArray()), ErrorCode.LOGIN_FAILED);
            var unknownUser = refused("nobody",
                    () -> client.login("nobody", "wrong password".toCharArray()), ErrorCode.LOGIN_FAILED);
            var unknownRightPassword = refused("nobody with alice's password",
                    () -> client.login("nobody", TestUsers.PASSWORD.toCharArray()), ErrorCode.LOGIN_FAILED);
            var invalidName = refused("a name no user can have",
                    () -> client.login("../alice", TestUsers.PASSWORD.toCharArray()), ErrorCode.LOGIN_FAILED);
            assertThat(List.of(unknownUser.reply(), unknownRightPassword.reply(), invalidName.reply()))
                    .as("nothing tells whether the user exists").containsOnly(wrongPassword.reply());
            assertThat(wrongPassword).as("what the command line prints")
                    .hasMessage("login failed: wrong user name or password");
            refused("still not logged in", () -> client.list("/"), ErrorCode.AUTH_REQUIRED);

            assertThat(client.login("alice", TestUsers.PASSWORD.toCharArray()).user()).isEqualTo("alice");
            assertThat(client.list("/")).isEmpty();

            audited("user=alice", "op=login", "result=LOGIN_FAILED", "method=password");
            audited("user=nobody", "op=login", "result=LOGIN_FAILED");
            audited("user=alice", "op=login", "result=ok", "method=password");
            noSecretsInTheAuditLog();
        }
    }

    @Test
    void afterTheFreeFailuresEvenTheRightPasswordIsRefusedWithTooManyAttempts() throws Exception {
        TestUsers.add(data, "victim", "alice");
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var client = connect(server)) {
            // ThrottlePolicy.DEFAULT: 5 failures of a user name lock nothing; the 6th locks it for 2 s, doubling on.
            for (int i = 1; i <= 6; i++) {
                String guess = "guess number " + i;
                secrets.add(guess);
                refused("failure " + i, () -> client.login("victim", guess.toCharArray()), ErrorCode.LOGIN_FAILED);
            }
            // the lock is 2 s; these come a few milliseconds later
            var locked = refused("the right password while locked",
                    () -> client.login("victim", TestUsers.PASSWORD.toCharArray()), ErrorCode.TOO_MANY_ATTEMPTS);
            assertThat(locked.getMessage()).contains("try again in");
            refused("another guess while locked", () -> client.login("victim", "guess number 7".toCharArray()),
                    ErrorCode.TOO_MANY_ATTEMPTS);
            refused("not logged in", () -> client.list("/"), ErrorCode.AUTH_REQUIRED);

            try (var alice = Clients.login(server, "alice")) {
                assertThat(alice.list("/")).as("another user from the same address is not locked").isEmpty();
            }
            audited("user=victim", "op=login", "result=TOO_MANY_ATTEMPTS");
            noSecretsInTheAuditLog();
        }
    }

    @Test
    void aTokenLogsInANewConnectionUntilLogoutRevokesIt() throws Exception {
        TestUsers.add(data, "alice", "bob");
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            LoginOk first;
            try (var client = connect(server)) {
                first = client.login("alice", TestUsers.PASSWORD.toCharArray());
                secrets.add(first.token());
                assertThat(first.tokenExpires()).isGreaterThan(System.currentTimeMillis());
                Clients.put(client, "by password".getBytes(StandardCharsets.UTF_8), "/a.txt", local);

                try (var second = connect(server)) {
                    LoginOk resumed = second.loginWithToken("alice", first.token());
                    assertThat(resumed.user()).isEqualTo("alice");
                    assertThat(new String(Clients.bytes(second, "/a.txt"), StandardCharsets.UTF_8))
                            .isEqualTo("by password");
                }
                try (var other = connect(server)) {
                    refused("alice's token for bob", () -> other.loginWithToken("bob", first.token()),
                            ErrorCode.LOGIN_FAILED);
                    refused("a made-up token", () -> other.loginWithToken("alice", "x" + first.token()),
                            ErrorCode.LOGIN_FAILED);
                }

                assertThat(client.logout()).as("one token revoked").isOne();
                refused("logged out", () -> client.list("/"), ErrorCode.AUTH_REQUIRED);
            }
            try (var later = connect(server)) {
                refused("a revoked token", () -> later.loginWithToken("alice", first.token()), ErrorCode.LOGIN_FAILED);
                refused("not logged in", () -> later.stat("/a.txt"), ErrorCode.AUTH_REQUIRED);
                later.login("alice", TestUsers.PASSWORD.toCharArray()); // the password still works
                assertThat(later.stat("/a.txt").entry().size()).isEqualTo(11);
            }
            audited("user=alice", "op=login", "result=ok", "method=token");
            audited("user=alice", "op=logout", "result=ok");
            audited("user=alice", "op=login", "result=LOGIN_FAILED", "method=token");
            noSecretsInTheAuditLog();
        }
    }

    @Test
    void aPasswordChangeRevokesTheUsersTokens() throws Exception {
        TestUsers.add(data, "alice");
        String newPassword = "alice's new password";
        secrets.add(newPassword);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            LoginOk before;
            try (var loggedIn = connect(server)) {
                before = loggedIn.login("alice", TestUsers.PASSWORD.toCharArray());
                secrets.add(before.token());
                var passwd = Cli.run(Map.of("NETDISK_PASSWORD", newPassword), "user", "passwd", "alice", "--data",
                        data.toString());
                assertThat(passwd.exitCode()).as(passwd.output()).isZero();
                refused("a session logged in before the change", () -> loggedIn.list("/"), ErrorCode.AUTH_REQUIRED);
            }
            try (var client = connect(server)) {
                refused("the old password", () -> client.login("alice", TestUsers.PASSWORD.toCharArray()),
                        ErrorCode.LOGIN_FAILED);
                // docs/protocol.md, Accounts: "Logout revokes it; so does a password change."
                refused("a token from before the change", () -> client.loginWithToken("alice", before.token()),
                        ErrorCode.LOGIN_FAILED);
                client.login("alice", newPassword.toCharArray());
                assertThat(client.list("/")).isEmpty();
            }
            noSecretsInTheAuditLog();
        }
    }

    @Test
    void registrationIsClosedUnlessTheOperatorAllowsIt() throws Exception {
        TestUsers.add(data, "alice");
        String password = "newbie's password";
        secrets.add(password);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var client = connect(server)) {
            var closed = refused("register", () -> client.register("newbie", password.toCharArray()),
                    ErrorCode.REGISTRATION_CLOSED);
            assertThat(closed.getMessage()).contains("self-registration");
            refused("no such account was made", () -> client.login("newbie", password.toCharArray()),
                    ErrorCode.LOGIN_FAILED);
            audited("user=newbie", "op=register", "result=REGISTRATION_CLOSED");
        }
        try (var server = ServerProcess.start(data, "process", "--workers", "2", "--allow-register")) {
            try (var client = connect(server)) {
                LoginOk registered = client.register("newbie", password.toCharArray());
                secrets.add(registered.token());
                assertThat(registered.user()).isEqualTo("newbie");
                assertThat(client.list("/")).as("logged in, with an empty tree").isEmpty();
                Clients.put(client, "mine".getBytes(StandardCharsets.UTF_8), "/mine.txt", local);

                refused("a taken name", () -> client.register("alice", "another password".toCharArray()),
                        ErrorCode.ALREADY_EXISTS);
                refused("a name with a space", () -> client.register("new bie", password.toCharArray()),
                        ErrorCode.ACCOUNT_REFUSED);
                refused("a short password", () -> client.register("shorty", "1234567".toCharArray()),
                        ErrorCode.ACCOUNT_REFUSED);
                assertThat(client.stat("/mine.txt").entry().size()).as("still newbie").isEqualTo(4);
            }
            try (var client = Clients.login(server.port(), "newbie", password)) {
                assertThat(client.stat("/mine.txt").entry().size()).isEqualTo(4);
            }
            try (var alice = Clients.login(server, "alice")) {
                assertThat(alice.list("/")).as("alice's tree is hers alone").isEmpty();
            }
            audited("user=newbie", "op=register", "result=ok");
            audited("user=alice", "op=register", "result=ALREADY_EXISTS");
            noSecretsInTheAuditLog();
        }
    }
}
