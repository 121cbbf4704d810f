package netdisk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void parsesBinaryUnitsInEverySpelling() {
        Map<String, Long> cases = Map.ofEntries(
                Map.entry("0", 0L),
                Map.entry("1024", 1024L),
                Map.entry("1024B", 1024L),
                Map.entry("1K", 1024L),
                Map.entry("500M", 500L << 20),
                Map.entry("500m", 500L << 20),
                Map.entry("10G", 10L << 30),
                Map.entry("10GB", 10L << 30),
                Map.entry("10GiB", 10L << 30),
                Map.entry("10gib", 10L << 30),
                Map.entry("10 GiB", 10L << 30),
                Map.entry("1.5T", 3L << 39),
                Map.entry("0.5K", 512L),
                Map.entry("1.1K", 1126L), // 1126.4, rounded down
                Map.entry("2P", 2L << 50),
                Map.entry("7E", 7L << 60),
                Map.entry("9223372036854775807", Long.MAX_VALUE));
        cases.forEach((text, bytes) -> assertThat(ByteSizes.parse(text)).as(text).isEqualTo(bytes));
    }

    @Test
    void refusesWhatIsNotASize() {
        for (String text : List.of("", " ", "G", "-1", "-1G", "+1G", "1.5", "1.5B", "1,5G", "1e9", "10X", "10GiBB",
                "10iB", "1.G", ".5G", " 10G", "10G ", "10  G", "ten", "0x10", "１０G")) {
            assertThatThrownBy(() -> ByteSizes.parse(text)).as("'%s'", text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesMoreThanALongHolds() {
        assertThatThrownBy(() -> ByteSizes.parse("8E")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSizes.parse("9223372036854775808")).hasMessageContaining("too large");
        assertThat(ByteSizes.parse("7.99E")).isLessThan(Long.MAX_VALUE);
    }

    @Test
    void formatsWithThreeSignificantDigitsAndNoTrailingZeros() {
        Map<Long, String> cases = Map.ofEntries(
                Map.entry(0L, "0 B"),
                Map.entry(1023L, "1023 B"),
                Map.entry(1024L, "1 KiB"),
                Map.entry(1536L, "1.5 KiB"),
                Map.entry(1_048_064L, "1 MiB"), // 1023.5 KiB rounds up into the next unit
                Map.entry(10L << 30, "10 GiB"),
                Map.entry((19L << 30) / 2, "9.5 GiB"),
                Map.entry(1_288_490_189L, "1.2 GiB"),
                Map.entry(1_320_702_444L, "1.23 GiB"),
                Map.entry(123L << 20, "123 MiB"),
                Map.entry(Long.MAX_VALUE, "8 EiB"));
        cases.forEach((bytes, text) -> assertThat(ByteSizes.format(bytes)).as("%d", bytes).isEqualTo(text));
        assertThatThrownBy(() -> ByteSizes.format(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Seeded: what format prints parses back to within its rounding (three significant digits). */
    @Test
    void formatParsesBackToNearlyTheSameNumber() {
        Random random = new Random(7_477L);
        for (int i = 0; i < 1_000; i++) {
            long bytes = random.nextLong(Long.MAX_VALUE >> random.nextInt(63));
            String text = ByteSizes.format(bytes);
            if (text.startsWith("8 EiB")) {
                continue; // rounds up past what a long holds
            }
            long back = ByteSizes.parse(text.replace(" ", ""));
            assertThat((double) Math.abs(back - bytes)).as(text).isLessThanOrEqualTo(bytes * 0.006 + 1);
        }
    }
}
