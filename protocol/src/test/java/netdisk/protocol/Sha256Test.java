package netdisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

    @Test
    void hexOfGivesTheDigestAsItTravels() {
        // FIPS 180-2's examples
        assertThat(Sha256.hexOf("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.hexOf(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256.isHex(Sha256.hexOf(new byte[] {1, 2, 3}))).isTrue();
    }

    @Test
    void hexOfAChannelHashesItsFirstBytesThroughASmallBuffer(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("f"), "abcdef".getBytes(StandardCharsets.US_ASCII));
        try (FileChannel content = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(Sha256.hexOf(content, 3, 2)).isEqualTo(Sha256.hexOf("abc".getBytes(StandardCharsets.US_ASCII)));
            assertThatThrownBy(() -> Sha256.hexOf(content, 7, 2)).isInstanceOf(EOFException.class);
        }
    }
}
