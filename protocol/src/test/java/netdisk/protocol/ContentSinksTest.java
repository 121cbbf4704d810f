package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentSinksTest {

    private static final byte[] CONTENT = random(2 * BackgroundDigest.CHUNK + 777);

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Fills the sink's buffers the way a receiving loop does, in pieces of at most {@code piece} bytes. */
    private static void receive(ContentSink sink, int piece) throws Exception {
        int at = 0;
        while (at < CONTENT.length) {
            ByteBuffer buffer = sink.buffer();
            buffer.limit(Math.min(buffer.limit(), piece));
            int length = Math.min(buffer.remaining(), CONTENT.length - at);
            buffer.put(CONTENT, at, length);
            sink.accept(buffer.flip());
            at += length;
        }
    }

    /** A channel that takes at most 1000 bytes a call, as a slow one may. */
    private static WritableByteChannel trickling(ByteArrayOutputStream out) {
        WritableByteChannel channel = Channels.newChannel(out);
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer source) throws IOException {
                int n = Math.min(source.remaining(), 1000);
                channel.write(source.slice(source.position(), n)); // a stream's channel writes all of it
                source.position(source.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void intoWritesEverythingThroughOneBuffer() throws Exception {
        var out = new ByteArrayOutputStream();
        ContentSink sink = ContentSinks.into(trickling(out), 64 * 1024);

        receive(sink, 100_000);

        assertThat(out.toByteArray()).isEqualTo(CONTENT);
    }

    @Test
    void hashedInlineWritesAndHashesEverything() throws Exception {
        var out = new ByteArrayOutputStream();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");

        receive(ContentSinks.hashedInline(trickling(out), digest, 1 << 20), 333_333);

        assertThat(out.toByteArray()).isEqualTo(CONTENT);
        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(CONTENT));
    }

    @Test
    void hashedBesideWritesAndHashesEverythingFromTheDigestsOwnBuffers() throws Exception {
        var out = new ByteArrayOutputStream();
        try (var digest = new BackgroundDigest(MessageDigest.getInstance("SHA-256"))) {
            receive(ContentSinks.hashedBeside(trickling(out), digest), Integer.MAX_VALUE);

            assertThat(out.toByteArray()).isEqualTo(CONTENT);
            assertThat(digest.finish()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(CONTENT));
        }
    }

    @Test
    void flushedBehindPassesEverythingOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("content.bin");
        try (var channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             var flusher = new WriteBehind(channel)) {
            receive(ContentSinks.flushedBehind(ContentSinks.into(channel, 1 << 16), flusher), 50_000);
        }
        assertThat(file).hasBinaryContent(CONTENT);
    }
}
