package netdisk.server.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import netdisk.protocol.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileAreaTest {

    @TempDir
    Path data;

    @TempDir
    Path outside;

    private FileArea area;

    @BeforeEach
    void open() throws IOException {
        area = FileArea.open(data);
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createDirectories(area.root().resolve("docs"));
        Files.writeString(area.root().resolve("docs/a.txt"), "a");
    }

    private static ErrorCode codeOf(ThrowingCall call) {
        try {
            call.run();
        } catch (FileAreaException e) {
            return e.code();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no exception");
    }

    private interface ThrowingCall {
        void run() throws IOException;
    }

    @Test
    void existingFilesAreFoundAndMissingOnesAreNotFound() throws IOException {
        assertThat(area.existingFile(RemotePath.parse("docs/a.txt"))).isEqualTo(area.root().resolve("docs/a.txt"));
        assertThat(codeOf(() -> area.existingFile(RemotePath.parse("docs/b.txt")))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(codeOf(() -> area.existingFile(RemotePath.parse("nope/b.txt")))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(codeOf(() -> area.existingFile(RemotePath.parse("docs")))).isEqualTo(ErrorCode.IS_A_DIRECTORY);
        assertThat(codeOf(() -> area.existingFile(RemotePath.parse("docs/a.txt/x"))))
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void symbolicLinksAreNeverFollowedAnywhereOnThePath() throws IOException {
        Files.createSymbolicLink(area.root().resolve("link-to-secret"), outside.resolve("secret"));
        Files.createSymbolicLink(area.root().resolve("link-dir"), outside);
        assertThat(codeOf(() -> area.openForReading(RemotePath.parse("link-to-secret")))).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(codeOf(() -> area.openForReading(RemotePath.parse("link-dir/secret")))).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(codeOf(() -> area.uploadTarget(RemotePath.parse("link-dir/new")))).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(codeOf(() -> area.uploadTarget(RemotePath.parse("link-to-secret")))).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("secret");
    }

    @Test
    void uploadsNeedAnExistingDirectoryAndMayReplaceAFileButNotADirectory() throws IOException {
        assertThat(area.uploadTarget(RemotePath.parse("new.bin"))).isEqualTo(area.root().resolve("new.bin"));
        assertThat(area.uploadTarget(RemotePath.parse("docs/a.txt"))).isEqualTo(area.root().resolve("docs/a.txt"));
        assertThat(codeOf(() -> area.uploadTarget(RemotePath.parse("docs")))).isEqualTo(ErrorCode.IS_A_DIRECTORY);
        assertThat(codeOf(() -> area.uploadTarget(RemotePath.parse("missing/x")))).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void anUploadIsInvisibleUntilPublishedAndLeftoversAreSwept() throws IOException {
        Path target = area.uploadTarget(RemotePath.parse("docs/a.txt"));
        Path upload = area.newUpload(42);
        try (FileChannel out = FileChannel.open(upload, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap("new content".getBytes()));
            assertThat(Files.readString(target)).as("the old file until the upload completes").isEqualTo("a");
            area.publish(upload, out, target);
        }
        assertThat(Files.readString(target)).isEqualTo("new content");
        assertThat(area.pendingUploads()).isZero();

        area.newUpload(42);
        area.newUpload(42);
        area.newUpload(7);
        assertThat(area.sweepUploadsOf(42)).isEqualTo(2);
        assertThat(area.pendingUploads()).isEqualTo(1);
        assertThat(area.sweepUploads()).isEqualTo(1);
        assertThat(area.pendingUploads()).isZero();
    }
}
