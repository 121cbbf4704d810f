package netdisk.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import netdisk.client.NetdiskClient;
import netdisk.protocol.Welcome;
import netdisk.server.master.ServerStatus;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool exists before the first connection, is reused across connections, and hands sessions to workers. */
class WorkerPoolTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void workersExistBeforeTheFirstConnectionAndSurvive200Connections(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "3")) {
            ServerStatus before = server.status();
            assertThat(before.accepted()).isZero();
            assertThat(before.workers()).hasSize(3).allSatisfy(w -> {
                assertThat(w.state()).isEqualTo("idle");
                assertThat(ProcessHandle.of(w.pid())).as("worker pid %d alive", w.pid()).isPresent();
            });
            Set<Long> pids = server.workerPids();
            if (mode.equals("process")) {
                assertThat(pids).hasSize(3).doesNotContain(server.pid());
                assertThat(ProcessHandle.of(server.pid()).orElseThrow().children().map(ProcessHandle::pid))
                        .containsExactlyInAnyOrderElementsOf(pids);
            } else {
                assertThat(pids).containsExactly(server.pid());
            }

            Set<Integer> numbersSeen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                try (var client = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
                    Welcome welcome = client.welcome();
                    assertThat(welcome.workerPid()).isIn(pids);
                    if (mode.equals("process")) {
                        assertThat(welcome.workerPid()).as("answered by a worker, not the master")
                                .isNotEqualTo(server.pid());
                    }
                    numbersSeen.add(welcome.workerNumber());
                    client.ping();
                }
            }

            ServerStatus after = server.status();
            assertThat(server.workerPids()).isEqualTo(pids);
            assertThat(after.accepted()).isEqualTo(200);
            assertThat(after.handedOff()).isEqualTo(200);
            assertThat(after.workers()).allSatisfy(w -> assertThat(w.restarts()).isZero());
            assertThat(after.workers().stream().mapToLong(ServerStatus.WorkerRow::handoffs).sum()).isEqualTo(200);
            assertThat(numbersSeen).isSubsetOf(0, 1, 2).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void concurrentSessionsGoToTheLeastLoadedWorker(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "2");
             var first = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);
             var second = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
            assertThat(first.welcome().workerNumber()).isNotEqualTo(second.welcome().workerNumber());
            first.ping();
            second.ping();
            assertThat(server.status().workers()).allSatisfy(w -> {
                assertThat(w.sessions()).isEqualTo(1);
                assertThat(w.state()).isEqualTo("busy");
            });
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void logsNameTheWorkerOnEveryHandOffAndSessionEnd(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "2")) {
            long workerPid;
            int number;
            try (var client = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT)) {
                workerPid = client.welcome().workerPid();
                number = client.welcome().workerNumber();
            }
            String label = (mode.equals("process") ? "PROCESS" : "THREAD") + "[PID " + workerPid + ":no " + number
                    + "]";
            server.awaitLog("session ended", TIMEOUT);
            // the master logs a hand-off after making it: the worker may serve and end the session first
            server.awaitLog("-> " + label, TIMEOUT);
            assertThat(server.log()).anySatisfy(l -> assertThat(l).contains("conn#1").contains("-> " + label));
            assertThat(server.log()).anySatisfy(l -> assertThat(l).contains(label).contains("conn#1")
                    .contains("session ended"));
        }
    }
}
