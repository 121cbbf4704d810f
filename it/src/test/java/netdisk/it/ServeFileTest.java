package netdisk.it;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve-file}: a client written the tutorial's way (connect, read the header and the file) works unchanged; one
 * that stops reading is cut after the stall timeout.
 */
class ServeFileTest {

    @TempDir
    Path data;

    @TempDir
    Path local;

    @Test
    void aTutorialStyleClientDownloadsTheFileFromEveryWorker() throws Exception {
        Path file = Sha256.randomFile(local.resolve("课程.mp4"), 5_000_017, 9);
        try (var server = ServerProcess.launch(data, List.of("serve-file", file.toString(), "127.0.0.1", "0", "2",
                "--data", data.toString()))) {
            for (int i = 0; i < 4; i++) {
                try (var socket = new Socket("127.0.0.1", server.port())) {
                    InputStream in = socket.getInputStream();
                    ByteBuffer header = ByteBuffer.wrap(new DataInputStream(in).readNBytes(16))
                            .order(ByteOrder.LITTLE_ENDIAN);
                    long nameLength = header.getLong();
                    long size = header.getLong();
                    String name = new String(in.readNBytes((int) nameLength), StandardCharsets.UTF_8);
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[65536];
                    long received = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                        received += n;
                    }
                    assertThat(name).isEqualTo("课程.mp4");
                    assertThat(size).isEqualTo(Files.size(file));
                    assertThat(received).as("content, then the server closes").isEqualTo(size);
                    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(Sha256.of(file));
                }
            }
            server.awaitLog("tutorial format", Duration.ofSeconds(10));
            assertThat(server.status().handedOff()).isEqualTo(4);
        }
    }

    @Test
    void aClientThatStopsReadingIsCutAfterTheStallTimeout() throws Exception {
        Path file = Sha256.randomFile(local.resolve("big.bin"), 64 << 20, 10);
        try (var server = ServerProcess.launch(data, List.of("serve-file", file.toString(), "127.0.0.1", "0", "1",
                "--data", data.toString(), "--stall-timeout", "1s"));
             var socket = new Socket("127.0.0.1", server.port())) {
            // reads nothing: the server's socket buffers fill and its sendfile waits
            server.awaitLog("session ended: cut: stalled: the client took nothing for 1 s", Duration.ofSeconds(60));

            long received = 0;
            try {
                received = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // a reset: what arrived before it is all there is
            }
            assertThat(received).as("what reached the client before the cut").isLessThan(16 + 7 + (64 << 20));
        }
    }
}
