package netdisk.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import netdisk.client.NetdiskClient;
import netdisk.client.ServerRefusedException;
import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Past capacity connections wait in a bounded queue; past the queue they get "server busy", never a bare close. */
class SaturationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void extraClientsWaitThenGetServerBusy(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "1", "--sessions-per-worker", "2",
                "--queue", "2", "--queue-timeout", "3");
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var held1 = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);
            var held2 = NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT);

            CompletableFuture<NetdiskClient> waiting1 = connectAsync(executor, server.port());
            await().atMost(TIMEOUT).until(() -> server.status().queued() == 1);
            CompletableFuture<NetdiskClient> waiting2 = connectAsync(executor, server.port());
            await().atMost(TIMEOUT).until(() -> server.status().queued() == 2);

            assertThatThrownBy(() -> NetdiskClient.connect("127.0.0.1", server.port(), TIMEOUT))
                    .isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.SERVER_BUSY));
            assertThat(waiting1).isNotDone();

            held1.close(); // frees a place: the first waiting client is served
            NetdiskClient served = waiting1.get(10, TimeUnit.SECONDS);
            served.ping();

            // the second one waits until the queue timeout, then is told the server is busy
            assertThat(waiting2).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOfSatisfying(ServerRefusedException.class,
                            e -> assertThat(e.code()).contains(ErrorCode.SERVER_BUSY));
            held2.ping();
            served.close();
            held2.close();
            assertThat(server.status().rejectedBusy()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0} mode")
    @ValueSource(strings = {"process", "thread"})
    void aBurstBeyondCapacityGetsAnswersNotBareCloses(String mode) throws Exception {
        try (var server = ServerProcess.start(data, mode, "--workers", "2", "--sessions-per-worker", "3",
                "--queue", "4", "--queue-timeout", "2");
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<NetdiskClient>> attempts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                attempts.add(connectAsync(executor, server.port()));
            }
            int welcomed = 0;
            int busy = 0;
            List<NetdiskClient> open = new ArrayList<>();
            for (var attempt : attempts) {
                try {
                    open.add(attempt.get(20, TimeUnit.SECONDS));
                    welcomed++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).as("every refused client is told why")
                            .isInstanceOfSatisfying(ServerRefusedException.class,
                                    r -> assertThat(r.code()).contains(ErrorCode.SERVER_BUSY));
                    busy++;
                }
            }
            assertThat(welcomed).isEqualTo(6);
            assertThat(busy).isEqualTo(34);
            for (NetdiskClient client : open) {
                client.ping();
                client.close();
            }
        }
    }

    private static CompletableFuture<NetdiskClient> connectAsync(ExecutorService executor, int port) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return NetdiskClient.connect("127.0.0.1", port, TIMEOUT);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }
}
