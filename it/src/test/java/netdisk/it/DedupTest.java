package netdisk.it;

import java.nio.file.Path;

import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static netdisk.it.Refusals.refused;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identical contents are stored once, whoever uploads them: one blob file under {@code DATA/blobs} for any number of
 * files with that content (of one user or several), kept while any of them exists and deleted with the last; a copy
 * adds a file, never a blob.
 */
class DedupTest {

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void oneBlobPerContentKeptUntilItsLastFileGoes() throws Exception {
        TestUsers.add(data, "alice", "bob");
        Path content = Sha256.randomFile(local.resolve("shared.bin"), 3_000_000, 21);
        Path other = Sha256.randomFile(local.resolve("other.bin"), 1_000_000, 22);
        String sha = Sha256.of(content);
        try (var server = ServerProcess.start(data, "process", "--workers", "2");
             var alice = Clients.login(server, "alice");
             var bob = Clients.login(server, "bob")) {
            assertThat(alice.welcome().workerNumber()).as("two worker processes share the store")
                    .isNotEqualTo(bob.welcome().workerNumber());

            Clients.put(alice, content, "/a.bin");
            assertThat(DataDir.blobHashes(data)).containsExactly(sha);
            alice.mkdir("/again", false);
            Clients.put(alice, content, "/again/a.bin");
            Clients.put(bob, content, "/mine.bin");
            assertThat(DataDir.blobHashes(data)).as("three files, one content, one blob").containsExactly(sha);
            assertThat(alice.stat("/a.bin").entry().sha256()).isEqualTo(sha);
            assertThat(bob.stat("/mine.bin").entry().sha256()).isEqualTo(sha);

            assertThat(alice.copy("/a.bin", "/copy.bin").entry().sha256()).isEqualTo(sha);
            assertThat(bob.copy("/mine.bin", "/mine-too.bin").entry().sha256()).isEqualTo(sha);
            assertThat(DataDir.blobHashes(data)).as("copies share the blob").containsExactly(sha);
            assertThat(alice.usage().used()).as("each file counts in full").isEqualTo(3 * 3_000_000L);

            Clients.put(alice, other, "/other.bin");
            assertThat(DataDir.blobHashes(data)).containsExactlyInAnyOrder(sha, Sha256.of(other));

            // deleting some files keeps the content for the others
            assertThat(alice.remove("/a.bin", false)).isOne();
            assertThat(alice.remove("/again", true)).isEqualTo(2);
            assertThat(Clients.sha256(bob, "/mine.bin")).isEqualTo(sha);
            assertThat(Clients.sha256(alice, "/copy.bin")).isEqualTo(sha);
            bob.remove("/mine.bin", false);
            alice.remove("/copy.bin", false);
            assertThat(DataDir.blobHashes(data)).containsExactlyInAnyOrder(sha, Sha256.of(other));
            assertThat(Clients.sha256(bob, "/mine-too.bin")).isEqualTo(sha);

            // the last file with that content goes, and so does its blob
            bob.remove("/mine-too.bin", false);
            assertThat(DataDir.blobHashes(data)).containsExactly(Sha256.of(other));
            refused("a deleted file", () -> bob.stat("/mine-too.bin"), ErrorCode.NOT_FOUND);

            // an upload that replaces the last file of a content drops that content too
            Clients.put(alice, content, "/other.bin");
            assertThat(DataDir.blobHashes(data)).containsExactly(sha);
            alice.remove("/other.bin", false);
            assertThat(DataDir.blobFiles(data)).isEmpty();
            assertThat(DataDir.temporaryFiles(data)).isEmpty();
        }
    }
}
