package netdisk.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemotePathTest {

    @Test
    void relativeInputIsResolvedAgainstTheWorkingDirectory() throws Exception {
        assertThat(RemotePath.resolve("/docs", "a.txt")).isEqualTo("/docs/a.txt");
        assertThat(RemotePath.resolve("/", "a.txt")).isEqualTo("/a.txt");
        assertThat(RemotePath.resolve("/docs", "")).isEqualTo("/docs");
        assertThat(RemotePath.resolve("/docs", "/other/b")).isEqualTo("/other/b");
    }

    @Test
    void dotAndDotDotAreResolvedAndDotDotStopsAtTheRoot() throws Exception {
        assertThat(RemotePath.resolve("/a/b", "..")).isEqualTo("/a");
        assertThat(RemotePath.resolve("/a/b", "../../..")).isEqualTo("/");
        assertThat(RemotePath.resolve("/", "..")).isEqualTo("/");
        assertThat(RemotePath.resolve("/a", "./x/./y/../z")).isEqualTo("/a/x/z");
        assertThat(RemotePath.resolve("/a", "/../b")).isEqualTo("/b");
        assertThat(RemotePath.resolve("/a", ".")).isEqualTo("/a");
    }

    @Test
    void repeatedAndTrailingSlashesCollapse() throws Exception {
        assertThat(RemotePath.resolve("/", "a//b///c/")).isEqualTo("/a/b/c");
        assertThat(RemotePath.resolve("/x", "//")).isEqualTo("/");
    }

    @Test
    void namesKeepTheirExactCharactersWithoutNormalisation() throws Exception {
        String composed = "caf\u00e9";
        String decomposed = "cafe\u0301";
        assertThat(RemotePath.resolve("/", composed)).isEqualTo("/" + composed);
        assertThat(RemotePath.resolve("/", decomposed)).isEqualTo("/" + decomposed);
        assertThat(RemotePath.resolve("/文档", "报告 2025.txt")).isEqualTo("/文档/报告 2025.txt");
        assertThat(RemotePath.resolve("/", " a ")).isEqualTo("/ a ");
    }

    @Test
    void aNameOf255Utf8BytesIsFineAnd256IsRefused() throws Exception {
        String fits = "汉".repeat(85); // 255 bytes
        assertThat(RemotePath.resolve("/", fits)).isEqualTo("/" + fits);
        assertThatThrownBy(() -> RemotePath.resolve("/", fits + "a"))
                .isInstanceOf(InvalidRemotePathException.class)
                .hasMessageStartingWith("name too long: 256 bytes in UTF-8, at most 255");
    }

    @Test
    void nulAndUnpairedSurrogatesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> RemotePath.resolve("/", "a\0b"))
                .isInstanceOf(InvalidRemotePathException.class)
                .hasMessage("a name cannot contain the NUL character: a?b");
        assertThatThrownBy(() -> RemotePath.resolve("/", "bad\uD800"))
                .isInstanceOf(InvalidRemotePathException.class)
                .hasMessageContaining("valid Unicode");
    }

    @Test
    void aPathOver4096BytesIsRefused() {
        String deep = ("d".repeat(200) + "/").repeat(21);
        assertThatThrownBy(() -> RemotePath.resolve("/", deep))
                .isInstanceOf(InvalidRemotePathException.class)
                .hasMessageStartingWith("path too long");
    }

    @Test
    void singleNamesAreChecked() throws Exception {
        RemotePath.checkName("ok.txt");
        assertThatThrownBy(() -> RemotePath.checkName("..")).hasMessageContaining("only navigates");
        assertThatThrownBy(() -> RemotePath.checkName("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> RemotePath.checkName("")).hasMessageContaining("empty");
    }

    @Test
    void nameParentAndChild() throws Exception {
        assertThat(RemotePath.name("/a/b.txt")).isEqualTo("b.txt");
        assertThat(RemotePath.name("/")).isEmpty();
        assertThat(RemotePath.parent("/a/b.txt")).isEqualTo("/a");
        assertThat(RemotePath.parent("/a")).isEqualTo("/");
        assertThat(RemotePath.parent("/")).isEqualTo("/");
        assertThat(RemotePath.child("/", "x")).isEqualTo("/x");
        assertThat(RemotePath.child("/a", "x")).isEqualTo("/a/x");
    }
}
