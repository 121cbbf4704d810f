package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import netdisk.protocol.EntryReply;
import netdisk.protocol.ListRequest;
import netdisk.protocol.Listing;
import netdisk.protocol.Message;
import netdisk.protocol.MkdirRequest;
import netdisk.server.ServerConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change that waits for the database's write lock does not stall the other sessions of its worker, even when the
 * worker runs all of them on one carrier thread, as it does by default with two workers on two cores: the change
 * waits on a platform thread of its own (OffCarrier), not on the carrier. Here this test holds the write lock itself,
 * as another worker's long commit would.
 */
class SlowCommitTest {

    private static final String USER = "sc";

    @TempDir
    Path data;

    @Test
    void aSessionIsServedWhileAnotherSessionsChangeWaitsForTheWriteLock() throws Exception {
        TestUsers.add(data, USER);
        String oneCarrier = String.join(" ", ServerConfig.DEFAULT_WORKER_JVM_OPTIONS)
                + " -Djdk.virtualThreadScheduler.parallelism=1";
        try (var server = ServerProcess.start(data, "process", "--workers", "1",
                "--worker-jvm-options=" + oneCarrier);
             var writer = RawClient.login(server, USER);
             var reader = RawClient.login(server, USER);
             Connection lockHolder = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("metadata.db"))) {
            assertThat(reader.welcome().workerPid()).isEqualTo(writer.welcome().workerPid());
            CompletableFuture<Message> readerAnswer;
            try (Statement statement = lockHolder.createStatement()) {
                statement.execute("BEGIN IMMEDIATE"); // the write lock, until the ROLLBACK below
                try {
                    writer.send(new MkdirRequest("/made", false));
                    Thread.sleep(500); // the worker has begun the change by now, and waits for the lock
                    reader.send(new ListRequest("/"));
                    readerAnswer = CompletableFuture.supplyAsync(() -> {
                        try {
                            return reader.answer();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    // well within the worker's busy timeout (10 s), after which the change would fail
                    assertThat(readerAnswer.get(8, TimeUnit.SECONDS)).as("answered while the lock was held")
                            .isInstanceOfSatisfying(Listing.class, l -> assertThat(l.entries()).isEmpty());
                } finally {
                    statement.execute("ROLLBACK");
                }
            }
            assertThat(writer.answer()).as("the change, once the lock was free").isInstanceOf(EntryReply.class);
            reader.send(new ListRequest("/"));
            assertThat(reader.answer()).isInstanceOfSatisfying(Listing.class,
                    l -> assertThat(l.entries()).hasSize(1));
        }
    }
}
