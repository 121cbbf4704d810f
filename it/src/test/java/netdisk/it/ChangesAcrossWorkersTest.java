package netdisk.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import netdisk.protocol.ErrorCode;
import netdisk.protocol.ErrorReply;
import netdisk.protocol.FileInfo;
import netdisk.protocol.GetFile;
import netdisk.protocol.Message;
import netdisk.protocol.PutInline;
import netdisk.protocol.PutStored;
import netdisk.protocol.RemoveRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each worker keeps the metadata it read in memory (CachedMetadataStore) and shares one version check among requests
 * that had arrived before it: a change committed by another worker must still be seen by every request sent after its
 * answer, pipelined or not.
 */
class ChangesAcrossWorkersTest {

    private static final String USER = "wu";

    @TempDir
    Path data;

    @Test
    void aChangeAnsweredOnOneWorkerIsSeenByTheNextRequestsOfASessionOnAnother() throws Exception {
        TestUsers.add(data, USER);
        try (var server = ServerProcess.start(data, "process", "--workers", "2")) {
            List<RawClient> opened = new ArrayList<>();
            try {
                RawClient writer = RawClient.login(server, USER);
                opened.add(writer);
                RawClient reader = RawClient.login(server, USER);
                opened.add(reader);
                while (reader.welcome().workerPid() == writer.welcome().workerPid()) {
                    reader = RawClient.login(server, USER); // the master picks the least busy worker: soon the other
                    opened.add(reader);
                }

                put(writer, "one");
                assertThat(getFourPipelined(reader)).containsOnly("one");

                put(writer, "two");
                assertThat(getFourPipelined(reader)).as("sent after the change was answered").containsOnly("two");

                writer.send(new RemoveRequest("/x.txt", false));
                assertThat(writer.answer()).isNotInstanceOf(ErrorReply.class);
                reader.send(new GetFile("/x.txt", 0));
                assertThat(reader.answer()).isInstanceOfSatisfying(ErrorReply.class,
                        e -> assertThat(e.errorCode()).contains(ErrorCode.NOT_FOUND));
            } finally {
                for (RawClient client : opened) {
                    client.close();
                }
            }
        }
    }

    private static void put(RawClient writer, String text) throws IOException, NoSuchAlgorithmException {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        writer.send(new PutInline("/x.txt", sha256, content));
        assertThat(writer.answer()).isEqualTo(new PutStored(content.length, sha256, false));
    }

    /** Four GetFile of /x.txt in a row before reading any answer; what each brought. */
    private static List<String> getFourPipelined(RawClient reader) throws IOException {
        for (int id = 1; id <= 4; id++) {
            reader.send(id, new GetFile("/x.txt", 0));
        }
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message answer = reader.answer();
            assertThat(answer).isInstanceOf(FileInfo.class);
            FileInfo info = (FileInfo) answer;
            contents.add(new String(reader.received((int) info.size()), StandardCharsets.UTF_8));
        }
        return contents;
    }
}
