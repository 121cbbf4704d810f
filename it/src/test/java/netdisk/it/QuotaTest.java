package netdisk.it;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import netdisk.client.NetdiskClient;
import netdisk.client.TransferListener;
import netdisk.protocol.ErrorCode;
import netdisk.protocol.UsageReply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quota set by the operator ({@code netdisk-server user add carol --quota 1M}): uploads within it are stored, an
 * upload past it is refused with QUOTA_EXCEEDED before any content is sent (nothing stored, no temporary file), a copy
 * past it too, and {@code usage} shows where the user stands.
 */
class QuotaTest {

    private static final long QUOTA = 1L << 20;
    private static final String PASSWORD = "carols password";

    @TempDir
    Path data;

    @TempDir
    Path local;

    /** Uploads {@code source} as {@code remote}; refused with QUOTA_EXCEEDED before the server asked for content. */
    private static void refusedBeforeContent(NetdiskClient client, Path source, String remote) {
        AtomicBoolean asked = new AtomicBoolean();
        var listener = new TransferListener() {
            @Override
            public void started(String name, long size, long offset) {
                asked.set(true); // the server said PutReady
            }

            @Override
            public void advanced(long bytes) {
            }
        };
        var refusal = refused("put " + remote, () -> Clients.put(client, source, remote, listener),
                ErrorCode.QUOTA_EXCEEDED);
        assertThat(refusal.getMessage()).contains("quota");
        var streamed = refused("put streamed " + remote, () -> { // protocol 1.4: PutStream
            try (var in = java.nio.channels.FileChannel.open(source)) {
                client.putStream(in, in.size(), remote, true, listener);
            }
        }, ErrorCode.QUOTA_EXCEEDED);
        assertThat(streamed.getMessage()).contains("quota");
        assertThat(asked).as("refused before any content").isFalse();
    }

    @Test
    void uploadsAndCopiesPastTheQuotaAreRefusedBeforeAnyContent() throws Exception {
        var add = Cli.run(Map.of("NETDISK_PASSWORD", PASSWORD), "user", "add", "carol", "--quota", "1M", "--data",
                data.toString());
        assertThat(add.exitCode()).as(add.output()).isZero();
        assertThat(add.output()).contains("added user carol (quota: 1 MiB)");

        Path first = Sha256.randomFile(local.resolve("first.bin"), 600_000, 31);
        Path second = Sha256.randomFile(local.resolve("second.bin"), 600_000, 32);
        Path rest = Sha256.randomFile(local.resolve("rest.bin"), QUOTA - 600_000, 33);
        Path oneByte = Sha256.randomFile(local.resolve("one.bin"), 1, 34);
        Path empty = Sha256.randomFile(local.resolve("empty.bin"), 0, 35);
        Path huge = Sparse.file(local.resolve("huge.bin"), 4L << 30);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var carol = Clients.login(server.port(), "carol", PASSWORD)) {
            assertThat(carol.usage()).extracting(UsageReply::used, UsageReply::files, UsageReply::hasQuota,
                    UsageReply::quota).containsExactly(0L, 0L, true, QUOTA);

            Clients.put(carol, first, "/first.bin");
            assertThat(carol.usage()).extracting(UsageReply::used, UsageReply::files, UsageReply::quota)
                    .containsExactly(600_000L, 1L, QUOTA);

            refusedBeforeContent(carol, second, "/second.bin");
            refusedBeforeContent(carol, huge, "/huge.bin");
            carol.ping(); // the session goes on
            refused("the refused upload", () -> carol.stat("/second.bin"), ErrorCode.NOT_FOUND);
            assertThat(DataDir.temporaryFiles(data)).isEmpty();
            assertThat(DataDir.blobHashes(data)).containsExactly(Sha256.of(first));

            Clients.put(carol, rest, "/rest.bin"); // exactly up to the quota
            UsageReply full = carol.usage();
            assertThat(full.used()).isEqualTo(QUOTA);
            assertThat(full.files()).isEqualTo(2);
            assertThat(full.hasQuota()).isTrue();
            assertThat(full.quota()).isEqualTo(QUOTA);

            refusedBeforeContent(carol, oneByte, "/one.bin");
            refused("cp at the quota", () -> carol.copy("/first.bin", "/first-copy.bin"), ErrorCode.QUOTA_EXCEEDED);
            refused("the refused copy", () -> carol.stat("/first-copy.bin"), ErrorCode.NOT_FOUND);
            Clients.put(carol, empty, "/empty.bin"); // takes nothing, so it fits

            // replacing a file counts only the difference: same size fits at the quota, bigger does not
            Clients.put(carol, second, "/first.bin");
            assertThat(Clients.sha256(carol, "/first.bin")).isEqualTo(Sha256.of(second));
            refusedBeforeContent(carol, first, "/rest.bin");
            assertThat(Clients.sha256(carol, "/rest.bin")).isEqualTo(Sha256.of(rest));
            assertThat(carol.usage()).extracting(UsageReply::used, UsageReply::files)
                    .containsExactly(QUOTA, 3L);
            assertThat(DataDir.blobHashes(data)).containsExactlyInAnyOrder(Sha256.of(second), Sha256.of(rest),
                    Sha256.of(empty));
            assertThat(DataDir.temporaryFiles(data)).isEmpty();
        }
    }
}
