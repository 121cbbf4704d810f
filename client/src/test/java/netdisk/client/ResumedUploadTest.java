package netdisk.client;

import static netdisk.client.TestContent.random;
import static netdisk.client.TestContent.sha256;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import netdisk.protocol.PutStored;
import netdisk.protocol.ResumeFrom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NetdiskClient#putFile(FileChannel, long, String, String, boolean, TransferListener)} against a
 * {@link FakeServer} that kept the beginning of an earlier upload: the client takes the offer only for the same bytes
 * (hashed from its own file), and then sends only the rest; otherwise, or with resume off, it sends everything.
 */
class ResumedUploadTest {

    private static final int SIZE = 400_000;
    private static final int KEPT = 150_000;

    @TempDir
    Path local;

    private final FakeServer server = FakeServer.start().addUser("alice", "s3cret");
    private final byte[] content = random(SIZE, 1);
    private final String sha256 = sha256(content);

    ResumedUploadTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private PutResult put(boolean resume, Heard heard) throws IOException {
        Path file = Files.write(local.resolve("upload.bin"), content);
        try (var client = NetdiskClient.connect("127.0.0.1", server.port(), Duration.ofSeconds(5));
             var in = FileChannel.open(file)) {
            client.login("alice", "s3cret".toCharArray());
            PutResult result = client.putFile(in, SIZE, sha256, "/big.bin", resume, heard);
            client.ping(); // in step afterwards
            return result;
        }
    }

    @Test
    void theSameBytesAreNotSentAgain() throws Exception {
        server.keeps("alice", "/big.bin", Arrays.copyOf(content, KEPT));
        var heard = new Heard();

        PutResult result = put(true, heard);

        assertThat(result).isEqualTo(new PutResult(new PutStored(SIZE, sha256, false), KEPT));
        assertThat(result.resumed()).isTrue();
        assertThat(server.resumeAnswers()).containsExactly(new ResumeFrom(KEPT, sha256(Arrays.copyOf(content, KEPT))));
        assertThat(server.contentBytesReceived()).isEqualTo(SIZE - KEPT);
        assertThat(server.content("alice", "/big.bin")).isEqualTo(content);
        assertThat(heard.size).isEqualTo(SIZE);
        assertThat(heard.offset).as("the bar starts at the resumed offset").isEqualTo(KEPT);
        assertThat(heard.moved.get()).isEqualTo(SIZE - KEPT);
    }

    @Test
    void otherBytesAreDeclinedAndEverythingIsSent() throws Exception {
        byte[] other = Arrays.copyOf(content, KEPT);
        other[KEPT / 2] ^= 1; // the local file changed since, say
        server.keeps("alice", "/big.bin", other);
        var heard = new Heard();

        PutResult result = put(true, heard);

        assertThat(result.resumedFrom()).isZero();
        assertThat(server.resumeAnswers()).containsExactly(new ResumeFrom(0, ""));
        assertThat(server.contentBytesReceived()).isEqualTo(SIZE);
        assertThat(server.content("alice", "/big.bin")).isEqualTo(content);
        assertThat(heard.offset).isZero();
        assertThat(heard.moved.get()).isEqualTo(SIZE);
    }

    @Test
    void withResumeOffTheOfferIsDeclined() throws Exception {
        server.keeps("alice", "/big.bin", Arrays.copyOf(content, KEPT));

        PutResult result = put(false, new Heard());

        assertThat(result.resumedFrom()).isZero();
        assertThat(server.resumeAnswers()).containsExactly(new ResumeFrom(0, ""));
        assertThat(server.contentBytesReceived()).isEqualTo(SIZE);
        assertThat(server.content("alice", "/big.bin")).isEqualTo(content);
    }

    @Test
    void anOfferBeyondTheFileIsDeclined() throws Exception {
        byte[] longer = Arrays.copyOf(content, SIZE + 1);
        server.keeps("alice", "/big.bin", longer);

        PutResult result = put(true, new Heard());

        assertThat(result.resumedFrom()).isZero();
        assertThat(server.resumeAnswers()).containsExactly(new ResumeFrom(0, ""));
        assertThat(server.content("alice", "/big.bin")).isEqualTo(content);
    }

    @Test
    void everyByteKeptIsAResumeWithNothingLeftToSend() throws Exception {
        server.keeps("alice", "/big.bin", content);
        var heard = new Heard();

        PutResult result = put(true, heard);

        assertThat(result.resumedFrom()).isEqualTo(SIZE);
        assertThat(server.contentBytesReceived()).isZero();
        assertThat(server.content("alice", "/big.bin")).isEqualTo(content);
        assertThat(heard.moved.get()).isZero();
    }
}
