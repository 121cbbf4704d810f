package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

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
        assertThat(Name.isValid("\u07FF".repeat(127))).as("the last code point of 2 bytes: 254 bytes").isTrue();
        assertThat(Name.isValid("\u0800".repeat(85) + "a")).as("the first of 3 bytes: 256 bytes").isFalse();
        assertThat(Name.isValid("😀".repeat(63) + "abc")).as("4 bytes each: 255 bytes").isTrue();
        assertThat(Name.isValid("😀".repeat(64))).as("256 bytes").isFalse();
    }

    @Test
    void judgesAnyTextAsAStrictUtf8EncoderAndTheRulesWould() {
        String alphabet = "ab./\0é\u07FF\u0800文😀\uD800\uDC00\uDBFF\uDFFF";
        Random random = new Random(20261129);
        for (int trial = 0; trial < 20_000; trial++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(4) == 0 ? 60 + random.nextInt(200) : random.nextInt(8);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = text.toString();
            assertThat(Name.isValid(value)).as("%s", value.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(validByTheEncoder(value));
        }
    }

    /** The rules, with the UTF-8 length and validity from the JDK's encoder, refusing what it cannot encode. */
    private static boolean validByTheEncoder(String value) {
        if (value.isEmpty() || value.equals(".") || value.equals("..") || value.contains("/") || value.contains("\0")) {
            return false;
        }
        try {
            return StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(value)).remaining()
                    <= Name.MAX_BYTES;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void doesNotNormalise() {
        String composed = "\u00e9";
        String decomposed = "e\u0301";
        assertThat(Name.of(composed)).isNotEqualTo(Name.of(decomposed));
    }
}
