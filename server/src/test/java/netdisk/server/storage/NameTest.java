package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameTest {

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/", "a\0b", "\0", "bad\uD800surrogate"})
    void refusesHostileNames(String hostile) {
        assertThat(Name.isValid(hostile)).isFalse();
        assertThatThrownBy(() -> Name.of(hostile)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "...", ".hidden", "报告 2026.txt", "name with spaces", "a\\b", "Ünïcödé", "😀"})
    void keepsOrdinaryNamesExactly(String name) {
        assertThat(Name.of(name).value()).isEqualTo(name);
    }

    @Test
    void limitsNamesTo255BytesOfUtf8() {
        assertThat(Name.isValid("x".repeat(255))).isTrue();
        assertThat(Name.isValid("x".repeat(256))).isFalse();
        String chinese85 = "文".repeat(85);
        assertThat(chinese85.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(Name.isValid(chinese85)).isTrue();
        assertThat(Name.isValid(chinese85 + "a")).isFalse();
    }

    @Test
    void doesNotNormalise() {
        String composed = "\u00e9";
        String decomposed = "e\u0301";
        assertThat(Name.of(composed)).isNotEqualTo(Name.of(decomposed));
    }
}
