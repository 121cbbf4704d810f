package netdisk.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundDigestTest {

    private static final long SEED = Long.getLong("netdisk.test.seed", 20261128L);

    @Test
    void hashesExactlyWhatWasGivenInOrderWhateverThePieces() throws Exception {
        Random random = new Random(SEED);
        for (int round = 0; round < 20; round++) {
            byte[] content = new byte[random.nextInt(3 * BackgroundDigest.CHUNK * BackgroundDigest.DEPTH)];
            random.nextBytes(content);
            int prefix = random.nextInt(Math.max(1, content.length / 4));
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(content, 0, prefix);
            BackgroundDigest background = new BackgroundDigest(digest);
            int at = prefix;
            while (at < content.length) {
                int length = Math.min(content.length - at, 1 + random.nextInt(3 * BackgroundDigest.CHUNK));
                ByteBuffer piece = random.nextBoolean() ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
                piece.put(content, at, length).flip();
                background.update(piece);
                assertThat(piece.hasRemaining()).isFalse();
                at += length;
            }
            assertThat(HexFormat.of().formatHex(background.finish()))
                    .as("round %d, %d bytes after a %d-byte prefix (seed %d)", round, content.length, prefix, SEED)
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        }
    }

    @Test
    void closingStopsTheHasherWithWorkStillQueued() throws Exception {
        BackgroundDigest background = new BackgroundDigest(MessageDigest.getInstance("SHA-256"));
        background.update(ByteBuffer.allocate(3 * BackgroundDigest.CHUNK));
        background.close(); // returns: the hasher thread is gone
    }
}
