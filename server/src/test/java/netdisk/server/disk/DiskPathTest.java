package netdisk.server.disk;

import java.util.List;

import netdisk.protocol.ErrorCode;
import netdisk.server.storage.Name;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskPathTest {

    @Test
    void slashesAreSeparatorsAndTheLeadingOneIsOptional() throws DiskException {
        assertThat(DiskPath.parse("/文档/报告.pdf")).isEqualTo(DiskPath.parse("文档//报告.pdf/"));
        assertThat(DiskPath.parse("/文档/报告.pdf").names()).containsExactly(Name.of("文档"), Name.of("报告.pdf"));
        assertThat(DiskPath.parse("/文档/报告.pdf")).hasToString("/文档/报告.pdf");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "//", "///"})
    void emptyPathsAreTheRoot(String wire) throws DiskException {
        assertThat(DiskPath.parse(wire).isRoot()).isTrue();
        assertThat(DiskPath.parse(wire)).hasToString("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a/../b", "/./a", "a/.", "a\u0000b", "/x/a\u0000"})
    void navigationAndNulAreRefused(String wire) {
        assertThatThrownBy(() -> DiskPath.parse(wire)).isInstanceOfSatisfying(DiskException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH));
    }

    @Test
    void namesAreLimitedTo255BytesAndPathsTo4096() throws DiskException {
        assertThat(DiskPath.parse("好".repeat(85)).name().value()).hasSize(85); // 255 bytes
        assertThatThrownBy(() -> DiskPath.parse("好".repeat(86))).hasMessageContaining("258 bytes");
        String deep = ("a".repeat(254) + "/").repeat(16); // 4080 bytes
        assertThat(DiskPath.parse(deep).names()).hasSize(16);
        assertThatThrownBy(() -> DiskPath.parse(deep + "b".repeat(17))).hasMessageContaining("longer than 4096");
    }

    @Test
    void unicodeIsKeptExactlyWithoutNormalisation() throws DiskException {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        assertThat(DiskPath.parse(composed)).isNotEqualTo(DiskPath.parse(decomposed));
        assertThat(DiskPath.parse(decomposed).name().value()).isEqualTo(decomposed);
    }

    @Test
    void aRefusalQuotesControlCharactersVisibly() {
        assertThatThrownBy(() -> DiskPath.parse("evil\n/..")).hasMessageContaining("'evil\\x0a/..'");
    }

    @Test
    void parentAndResolve() throws DiskException {
        DiskPath path = DiskPath.parse("/a/b");
        assertThat(path.parent()).isEqualTo(DiskPath.parse("/a"));
        assertThat(path.parent().parent()).isEqualTo(DiskPath.ROOT);
        assertThat(DiskPath.ROOT.parent()).isEqualTo(DiskPath.ROOT);
        assertThat(path.parent().resolve(Name.of("c"))).isEqualTo(DiskPath.parse("a/c"));
        assertThat(new DiskPath(List.of()).isRoot()).isTrue();
    }
}
