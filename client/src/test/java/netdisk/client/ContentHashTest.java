package netdisk.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import netdisk.protocol.ProveContent;
import netdisk.protocol.ProveContent.Range;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentHashTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path directory;

    private static String sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private Path file(byte[] content) throws IOException {
        return Files.write(directory.resolve("content.bin"), content);
    }

    private static byte[] random(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return content;
    }

    @Test
    void theHashOfAKnownTextIsTheStandardOne() throws Exception {
        try (var in = FileChannel.open(file("abc".getBytes(StandardCharsets.US_ASCII)))) {
            assertThat(ContentHash.of(in, 3, ContentHash.Progress.NONE))
                    .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
            assertThat(ContentHash.of(in, 0, ContentHash.Progress.NONE))
                    .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        }
    }

    @Test
    void sizeBytesAreHashedAcrossBufferBoundsWithProgressAndThePositionUntouched() throws Exception {
        byte[] content = random(2 * MIB + 12_345);
        try (var in = FileChannel.open(file(content))) {
            var progress = new AtomicLong();
            assertThat(ContentHash.of(in, content.length, progress::addAndGet)).isEqualTo(sha256(content));
            assertThat(progress).hasValue(content.length);
            assertThat(in.position()).isZero();
            byte[] prefix = Arrays.copyOf(content, MIB + 1);
            assertThat(ContentHash.of(in, prefix.length, ContentHash.Progress.NONE)).isEqualTo(sha256(prefix));
        }
    }

    @Test
    void aFileShorterThanItsSizeSaysItShrank() throws Exception {
        try (var in = FileChannel.open(file(random(1000)))) {
            assertThatThrownBy(() -> ContentHash.of(in, 1001, ContentHash.Progress.NONE))
                    .isInstanceOf(IOException.class).hasMessageContaining("shrank");
        }
    }

    @Test
    void aProgressThatThrowsStopsTheHashing() throws Exception {
        try (var in = FileChannel.open(file(random(3 * MIB)))) {
            var calls = new AtomicLong();
            assertThatThrownBy(() -> ContentHash.of(in, 3 * MIB, bytes -> {
                calls.incrementAndGet();
                throw new IOException("cancelled");
            })).hasMessage("cancelled");
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void aBigFileIsReadAheadOfItsHashingWithTheSameResult() throws Exception {
        int size = (int) ContentHash.READ_AHEAD_FROM * 2 + 12_345;
        byte[] content = random(size);
        try (var in = FileChannel.open(file(content))) {
            var progress = new AtomicLong();
            assertThat(ContentHash.of(in, size, progress::addAndGet)).isEqualTo(sha256(content));
            assertThat(progress).hasValue(size);
            assertThat(in.position()).isZero();
            byte[] more = Arrays.copyOf(content, size - 1);
            MessageDigest unfinished = ContentHash.digestOf(in, more.length, ContentHash.Progress.NONE);
            unfinished.update(content[size - 1]);
            assertThat(HexFormat.of().formatHex(unfinished.digest())).isEqualTo(sha256(content));
        }
    }

    @Test
    void aBigFileThatShrankOrACancelStopsTheReadAhead() throws Exception {
        int size = (int) ContentHash.READ_AHEAD_FROM + MIB;
        try (var in = FileChannel.open(file(random(size)))) {
            assertThatThrownBy(() -> ContentHash.of(in, size + 1, ContentHash.Progress.NONE))
                    .isInstanceOf(IOException.class).hasMessageContaining("shrank");
            var calls = new AtomicLong();
            assertThatThrownBy(() -> ContentHash.of(in, size, bytes -> {
                calls.incrementAndGet();
                throw new IOException("cancelled");
            })).hasMessage("cancelled");
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void aProofHashesTheNonceThenEachRangeEmptyAndLastByteIncluded() throws Exception {
        byte[] content = random(MIB + 100);
        int size = content.length;
        String nonce = "00ff10a5c3";
        byte[] nonceBytes = HexFormat.of().parseHex(nonce);
        List<Range> ranges = List.of(new Range(0, 0), new Range(size - 1, 1), new Range(0, size), new Range(size, 0),
                new Range(MIB - 2, 5), new Range(17, 1));
        try (var in = FileChannel.open(file(content))) {
            List<String> hashes = ContentHash.proof(in, size, new ProveContent(nonce, ranges)).hashes();
            assertThat(hashes).containsExactly(
                    sha256(nonceBytes),
                    sha256(nonceBytes, new byte[] {content[size - 1]}),
                    sha256(nonceBytes, content),
                    sha256(nonceBytes),
                    sha256(nonceBytes, Arrays.copyOfRange(content, MIB - 2, MIB + 3)),
                    sha256(nonceBytes, new byte[] {content[17]}));
        }
    }

    @Test
    void aChallengeOutsideTheContentOrWithANonceThatIsNotHexIsRefused() throws Exception {
        try (var in = FileChannel.open(file(random(100)))) {
            assertThatThrownBy(() -> ContentHash.proof(in, 100, new ProveContent("00", List.of(new Range(100, 1)))))
                    .hasMessageContaining("bytes 100 to 100 of content of 100 bytes");
            assertThatThrownBy(() -> ContentHash.proof(in, 100, new ProveContent("00",
                    List.of(new Range(1, Long.MAX_VALUE))))).hasMessageContaining("content of 100 bytes");
            assertThatThrownBy(() -> ContentHash.proof(in, 100, new ProveContent("xyz", List.of())))
                    .hasMessageContaining("not hex");
        }
    }

    @Test
    void onlySixtyFourLowerCaseHexDigitsAreASha256() {
        assertThat(ContentHash.isSha256("a".repeat(64))).isTrue();
        assertThat(ContentHash.isSha256("0123456789abcdef".repeat(4))).isTrue();
        assertThat(ContentHash.isSha256("A".repeat(64))).isFalse();
        assertThat(ContentHash.isSha256("a".repeat(63))).isFalse();
        assertThat(ContentHash.isSha256("g".repeat(64))).isFalse();
    }
}
