package netdisk.client.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import netdisk.client.FakeServer;
import netdisk.client.TransferConnection;
import netdisk.client.session.SessionStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The shell's connection, shared by the foreground command and the background jobs. */
class RemoteTest {

    @TempDir
    Path home;

    /**
     * Ctrl-C cancels the foreground command by closing the session's connection. A background job that was asking
     * for a transfer ticket on that connection at that moment gets its ticket on a new one instead of failing.
     */
    @Test
    void aCtrlCInTheForegroundDoesNotFailABackgroundJobWaitingForItsTicket() throws Exception {
        var asked = new CountDownLatch(1);
        var cut = new CountDownLatch(1);
        try (var server = FakeServer.start().addUser("alice", "pw-alice")) {
            Remote remote = remote(server);
            remote.client(); // logged in
            server.beforeNextTicket(() -> {
                asked.countDown();
                await(cut);
            });
            var job = new Remote.Scope();
            CompletableFuture<TransferConnection> opened = new CompletableFuture<>();
            Thread.ofPlatform().name("job").start(() -> {
                remote.enter(job);
                try {
                    opened.complete(remote.openTransfer());
                } catch (Throwable e) {
                    opened.completeExceptionally(e);
                }
            });
            assertThat(asked.await(10, TimeUnit.SECONDS)).as("the job asked for a ticket").isTrue();
            remote.cancel(); // Ctrl-C
            cut.countDown();

            TransferConnection connection = opened.get(10, TimeUnit.SECONDS);
            assertThat(connection).isNotNull();
            assertThat(job.cancelled()).isFalse();
            remote.closed(connection);
            remote.close();
        }
    }

    private Remote remote(FakeServer server) {
        Remote.Options options = new Remote.Options() {
            public String host() { return "127.0.0.1"; }
            public int port() { return server.port(); }
            public Duration timeout() { return Duration.ofSeconds(10); }
            public String user() { return "alice"; }
            public Path passwordFile() { return null; }
        };
        return new Remote(options, Map.of(Remote.PASSWORD_VARIABLE, "pw-alice"), new SessionStore(home),
                new ConsolePrompter(), System::currentTimeMillis);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
