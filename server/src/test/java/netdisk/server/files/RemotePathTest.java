package netdisk.server.files;

import java.util.List;

import netdisk.protocol.ErrorCode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemotePathTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "//", "/etc/passwd", "..", "../x", "a/../b", "a/./b", ".", "a/..", "x\0y",
            "\0"})
    void hostilePathsAreRefusedAsBadPath(String path) {
        assertThatThrownBy(() -> RemotePath.parse(path)).isInstanceOfSatisfying(FileAreaException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH));
    }

    @Test
    void namesOver255BytesAndPathsOver4096BytesAreRefused() throws FileAreaException {
        assertThatThrownBy(() -> RemotePath.parse("a".repeat(256))).hasMessageContaining("255 bytes");
        assertThatThrownBy(() -> RemotePath.parse("中".repeat(86))).hasMessageContaining("255 bytes"); // 258 bytes
        assertThat(RemotePath.parse("中".repeat(85)).fileName()).hasSize(85); // 255 bytes
        assertThatThrownBy(() -> RemotePath.parse(("b".repeat(200) + "/").repeat(21)))
                .hasMessageContaining("4096 bytes");
    }

    @Test
    void ordinaryPathsKeepTheirNamesExactly() throws FileAreaException {
        assertThat(RemotePath.parse("docs//报告 2026.pdf/").names()).isEqualTo(List.of("docs", "报告 2026.pdf"));
        assertThat(RemotePath.parse("..hidden").fileName()).isEqualTo("..hidden");
        assertThat(RemotePath.parse("a\\b").fileName()).isEqualTo("a\\b");
        assertThat(RemotePath.parse("e\u0301").fileName()).isEqualTo("e\u0301"); // not normalised to é
    }
}
