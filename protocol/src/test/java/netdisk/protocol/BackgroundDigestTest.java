package netdisk.protocol;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackgroundDigestTest {

    private static final long SEED = Long.getLong("netdisk.test.seed", 20261128L);

    @Test
    void hashesExactlyWhatWasGivenInOrderWhateverThePiecesCopiedOrLent() throws Exception {
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
                int length;
                if (random.nextBoolean()) {
                    ByteBuffer lent = background.buffer();
                    assertThat(lent.isDirect()).isTrue();
                    assertThat(lent.position()).isZero();
                    assertThat(lent.remaining()).isEqualTo(BackgroundDigest.CHUNK);
                    length = Math.min(content.length - at, 1 + random.nextInt(BackgroundDigest.CHUNK));
                    lent.position(random.nextInt(8)); // hashed from its position, whatever was before
                    int start = lent.position();
                    lent.limit(start + length).put(content, at, length).position(start);
                    background.hash(lent);
                } else {
                    length = Math.min(content.length - at, 1 + random.nextInt(3 * BackgroundDigest.CHUNK));
                    ByteBuffer piece = random.nextBoolean() ? ByteBuffer.allocateDirect(length)
                            : ByteBuffer.allocate(length);
                    piece.put(content, at, length).flip();
                    background.update(piece);
                    assertThat(piece.hasRemaining()).isFalse();
                }
                at += length;
            }
            assertThat(HexFormat.of().formatHex(background.finish()))
                    .as("round %d, %d bytes after a %d-byte prefix (seed %d)", round, content.length, prefix, SEED)
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        }
    }

    @Test
    void completeLeavesTheDigestUnfinishedForMore() throws Exception {
        byte[] content = new byte[3 * BackgroundDigest.CHUNK + 5];
        new Random(SEED).nextBytes(content);
        BackgroundDigest background = new BackgroundDigest(MessageDigest.getInstance("SHA-256"));
        background.update(ByteBuffer.wrap(content, 0, content.length - 5));

        MessageDigest digest = background.complete();
        digest.update(content, content.length - 5, 5);

        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void onlyItsOwnBuffersAreTakenBack() throws Exception {
        try (BackgroundDigest background = new BackgroundDigest(MessageDigest.getInstance("SHA-256"))) {
            assertThatThrownBy(() -> background.hash(ByteBuffer.allocateDirect(10)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closingStopsTheHasherWithWorkStillQueued() throws Exception {
        BackgroundDigest background = new BackgroundDigest(MessageDigest.getInstance("SHA-256"));
        background.update(ByteBuffer.allocate(3 * BackgroundDigest.CHUNK));
        background.hash(background.buffer());
        background.close(); // returns: the hasher thread is gone
    }
}
