package netdisk.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import netdisk.client.NetdiskClient;
import netdisk.server.Server;
import netdisk.server.ServerConfig;
import netdisk.server.StopRequest;
import netdisk.server.WorkerMode;
import netdisk.server.master.ServerStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A worker that dies is replaced while the others go on; workers never outlive their master. */
class SupervisionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path data;

    @Test
    void killMinus9OfAWorkerProcessIsNoticedAndReplacedWhileOtherSessionsGoOn() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var victim = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);
             var survivor = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            int deadNumber = victim.welcome().workerNumber();
            long deadPid = victim.welcome().workerPid();
            assertThat(survivor.welcome().workerPid()).isNotEqualTo(deadPid);

            ServerProcess.kill("KILL", deadPid);

            await().atMost(TIMEOUT).until(() -> ProcessHandle.of(deadPid).isEmpty());
            await().atMost(TIMEOUT).untilAsserted(() -> {
                ServerStatus.WorkerRow row = server.status().workers().get(deadNumber);
                assertThat(row.pid()).isNotEqualTo(deadPid);
                assertThat(row.restarts()).isEqualTo(1);
                assertThat(row.state()).isEqualTo("idle");
            });
            survivor.ping(); // the session on the other worker never noticed
            assertThatThrownBy(victim::ping).isInstanceOf(IOException.class);
            server.awaitLog("died (killed by signal 9)", TIMEOUT);

            long newPid = server.status().workers().get(deadNumber).pid();
            assertThat(ProcessHandle.of(newPid)).isPresent();
            try (var fresh = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
                fresh.ping();
                assertThat(fresh.welcome().workerPid()).isIn(newPid, survivor.welcome().workerPid());
            }
        }
    }

    @Test
    void aWorkerThatDiesOfAFatalErrorLeavesItsCrashReportBesideTheAuditLogAndTheMasterNamesIt() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "1");
             var victim = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            long deadPid = victim.welcome().workerPid();

            ServerProcess.kill("SEGV", deadPid); // HotSpot takes it for a crash: a report, then abort

            server.awaitLog("died (killed by signal 6, crash report ", TIMEOUT);
            server.awaitLog("worker-crash-" + deadPid + ".log)", TIMEOUT);
            Path report = data.resolve("logs").resolve("worker-crash-" + deadPid + ".log");
            assertThat(report).content().startsWith("#\n# A fatal error has been detected by the Java Runtime");
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(server.status().workers().getFirst().state()).isEqualTo("idle"));
            try (var fresh = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
                fresh.ping();
            }
        }
    }

    @Test
    void aWorkerThatStopsAnsweringIsKilledAndReplaced() throws Exception {
        try (var server = ServerProcess.start(data, "process", "--workers", "2", "--worker-heartbeat", "1");
             var survivor = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            int survivorNumber = survivor.welcome().workerNumber();
            ServerStatus.WorkerRow hung = server.status().workers().get(1 - survivorNumber);

            ServerProcess.kill("STOP", hung.pid()); // alive, but answering nothing

            server.awaitLog("has not answered for", Duration.ofSeconds(15));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                ServerStatus.WorkerRow row = server.status().workers().get(hung.number());
                assertThat(row.pid()).isNotEqualTo(hung.pid());
                assertThat(row.restarts()).isEqualTo(1);
                assertThat(row.state()).isEqualTo("idle");
            });
            await().atMost(TIMEOUT).until(() -> ProcessHandle.of(hung.pid()).isEmpty());
            survivor.ping();
            assertThat(server.status().workers().get(survivorNumber).restarts()).as("the healthy worker stays")
                    .isZero();
        }
    }

    @Test
    void aCrashedWorkerThreadIsReplacedWhileOtherSessionsGoOn() throws Exception {
        var config = new ServerConfig("127.0.0.1", 0, 2, WorkerMode.THREAD, data,
                ServerConfig.DEFAULT_SESSIONS_PER_WORKER, 4, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), ServerConfig.DEFAULT_IDLE_TIMEOUT, ServerConfig.DEFAULT_STALL_TIMEOUT,
                ServerConfig.DEFAULT_WORKER_HEARTBEAT, ServerConfig.DEFAULT_ALLOW_REGISTER,
                ServerConfig.DEFAULT_SESSION_LIFETIME, ServerConfig.DEFAULT_TICKET_LIFETIME,
                ServerConfig.DEFAULT_UPLOAD_EXPIRY,
                ServerConfig.DEFAULT_WORKER_JVM_OPTIONS, Optional.empty(), Optional.empty());
        Server server = Server.start(config, new StopRequest());
        int port = server.address().getPort();
        try (var victim = NetdiskClient.connect("127.0.0.1", port, TIMEOUT);
             var survivor = NetdiskClient.connect("127.0.0.1", port, TIMEOUT)) {
            int deadNumber = victim.welcome().workerNumber();

            server.killWorker(deadNumber);

            await().atMost(TIMEOUT).untilAsserted(() -> {
                ServerStatus.WorkerRow row = server.status().workers().get(deadNumber);
                assertThat(row.restarts()).isEqualTo(1);
                assertThat(row.state()).isEqualTo("idle");
            });
            survivor.ping();
            assertThatThrownBy(victim::ping).isInstanceOf(IOException.class);
            try (var fresh = NetdiskClient.connect("127.0.0.1", port, TIMEOUT)) {
                fresh.ping();
            }
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void killMinus9OfTheMasterTakesEveryWorkerWithIt(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "3");
             var client = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            Set<Long> workers = server.workerPids();
            client.ping();

            server.signal("KILL");

            await().atMost(Duration.ofSeconds(5)).until(() -> !server.alive());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(workers).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty()));
            assertThatThrownBy(client::ping).isInstanceOf(IOException.class);
        }
    }
}
