package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import netdisk.protocol.RandomFrames.Tally;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link LibcryptoSha256} against the JDK's own SHA-256: the same digest whatever the bytes and however they are
 * fed (arrays, single bytes, heap, direct and read-only buffers, pieces longer than a native slice), and clones
 * that go their own way. Runs where libcrypto is installed, as on every machine this project builds on;
 * {@link #boundWhereverLibcryptoIsInstalled} fails if it is there and not used.
 */
class LibcryptoSha256Test {

    private static final List<Path> SYSTEM_LIBRARY_DIRS = List.of(Path.of("/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/lib"));

    @Test
    void boundWhereverLibcryptoIsInstalled() {
        boolean installed = SYSTEM_LIBRARY_DIRS.stream().anyMatch(dir -> LibcryptoSha256.LIBRARY_NAMES.stream()
                .anyMatch(name -> Files.exists(dir.resolve(name))));
        assertThat(LibcryptoSha256.load().isPresent()).as("libcrypto installed: %s", installed).isEqualTo(installed);
        if (installed) {
            assertThat(Sha256.newDigest()).isInstanceOf(LibcryptoSha256.class);
        }
    }

    @Test
    void knownAnswers() {
        MessageDigest digest = libcrypto();
        // FIPS 180-2, appendix B
        assertThat(hex(digest.digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hex(digest.digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
                .getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        byte[] millionA = new byte[1_000_000];
        Arrays.fill(millionA, (byte) 'a');
        assertThat(hex(digest.digest(millionA)))
                .isEqualTo("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        assertThat(hex(digest.digest()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(digest.getDigestLength()).isEqualTo(32);
        assertThat(digest.getAlgorithm()).isEqualTo("SHA-256");
    }

    @TestFactory
    Stream<DynamicTest> anyBytesFedAnyWayGiveTheJdksDigest() {
        Tally tally = new Tally();
        for (Feed feed : Feed.values()) {
            tally.require("fed as " + feed, 5);
        }
        tally.require("longer than a slice", 5).require("cloned half-way", 20).require("reused after digest", 20);
        return RandomFrames.property("libcrypto sha-256", 300, tally, trial -> {
            RandomGenerator random = trial.random();
            byte[] content = new byte[random.nextInt(4) == 0
                    ? random.nextInt(LibcryptoSha256.SLICE * 3) : random.nextInt(300)];
            random.nextBytes(content);
            trial.note("length", content.length);
            tally.count("longer than a slice", content.length > LibcryptoSha256.SLICE);
            MessageDigest digest = libcrypto();
            boolean reused = random.nextBoolean();
            tally.count("reused after digest", reused);
            if (reused) {
                digest.update(new byte[] {1, 2, 3});
                digest.digest();
            }
            int cloneAt = random.nextInt(content.length + 1);
            MessageDigest clone = cloneAt == 0 ? Sha256.copy(digest) : null;
            int position = 0;
            while (position < content.length) {
                Feed feed = Feed.values()[random.nextInt(Feed.values().length)];
                int piece = feed == Feed.SINGLE_BYTE ? 1
                        : 1 + random.nextInt(Math.min(content.length - position, random.nextBoolean() ? 17 : 100_000));
                tally.count("fed as " + feed);
                feed.update(digest, content, position, piece);
                position += piece;
                if (clone == null && position >= cloneAt) {
                    clone = Sha256.copy(digest);
                    cloneAt = position;
                }
            }
            trial.note("cloned at", cloneAt);
            tally.count("cloned half-way", cloneAt > 0 && cloneAt < content.length);
            byte[] extra = {42};
            clone.update(extra);
            assertThat(hex(digest.digest())).isEqualTo(hex(jdk().digest(content)));
            byte[] cloneContent = concat(Arrays.copyOfRange(content, 0, cloneAt), extra);
            assertThat(hex(clone.digest())).isEqualTo(hex(jdk().digest(cloneContent)));
        });
    }

    private enum Feed {
        ARRAY {
            @Override
            void update(MessageDigest digest, byte[] content, int from, int length) {
                digest.update(content, from, length);
            }
        },
        SINGLE_BYTE {
            @Override
            void update(MessageDigest digest, byte[] content, int from, int length) {
                digest.update(content[from]);
            }
        },
        HEAP_BUFFER {
            @Override
            void update(MessageDigest digest, byte[] content, int from, int length) {
                ByteBuffer buffer = ByteBuffer.wrap(content, from, length);
                digest.update(buffer);
                assertThat(buffer.hasRemaining()).isFalse();
            }
        },
        DIRECT_BUFFER {
            @Override
            void update(MessageDigest digest, byte[] content, int from, int length) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(length + 7).position(3);
                buffer.put(content, from, length).flip().position(3);
                digest.update(buffer);
                assertThat(buffer.hasRemaining()).isFalse();
            }
        },
        READ_ONLY_BUFFER {
            @Override
            void update(MessageDigest digest, byte[] content, int from, int length) {
                digest.update(ByteBuffer.wrap(content, from, length).asReadOnlyBuffer());
            }
        };

        abstract void update(MessageDigest digest, byte[] content, int from, int length);
    }

    private static MessageDigest libcrypto() {
        return LibcryptoSha256.load().orElseThrow(() -> new AssertionError("libcrypto is not installed here"));
    }

    private static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String hex(byte[] digest) {
        return Sha256.hex(digest);
    }
}
