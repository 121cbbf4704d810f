package netdisk.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as operators write and read them, in binary units: {@code K} is 1024, {@code M} 1024², and so on up to
 * {@code E}. {@code 10G}, {@code 10GB} and {@code 10GiB} all mean 10 × 2³⁰ bytes, as in {@code ls -h} and
 * {@code df -h}: the decimal reading of "GB" is not offered, because quotas in mixed units would not add up.
 */
public final class ByteSizes {

    private static final String UNITS = "KMGTPE";
    private static final String[] NAMES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final Pattern SIZE = Pattern.compile(
            "([0-9]+)(\\.[0-9]+)? ?(?:([" + UNITS + "])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final BigDecimal LARGEST = BigDecimal.valueOf(Long.MAX_VALUE);

    private ByteSizes() {
    }

    /**
     * {@code 1024}, {@code 1024B}, {@code 500M}, {@code 1.5T}, {@code 10GiB}, {@code 10 GB}: a whole number or a
     * decimal fraction with a unit (rounded down to whole bytes; a fraction of a byte makes no sense without one).
     *
     * @throws IllegalArgumentException anything else, or more than 2⁶³ − 1 bytes
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (like 1024, 500M, 1.5T or 10GiB)");
        }
        if (m.group(2) != null && m.group(3) == null) {
            throw new IllegalArgumentException("a fraction needs a unit: '" + text + "' (like 1.5G)");
        }
        int exponent = m.group(3) == null ? 0 : UNITS.indexOf(m.group(3).toUpperCase(Locale.ROOT)) + 1;
        BigDecimal number = new BigDecimal(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
        BigDecimal bytes = number.multiply(BigDecimal.TWO.pow(10 * exponent)).setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(LARGEST) > 0) {
            throw new IllegalArgumentException("too large: '" + text + "' (at most 8 EiB - 1 byte)");
        }
        return bytes.longValueExact();
    }

    /**
     * {@code 0 B}, {@code 1023 B}, {@code 1 KiB}, {@code 9.5 GiB}, {@code 1.23 GiB}, {@code 10 GiB}: three significant
     * digits, trailing zeros dropped, so that a round quota reads as it was given.
     */
    public static String format(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size: " + bytes);
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1023.5 && unit < NAMES.length - 1) { // 1023.5 KiB would print as "1024 KiB"
            value /= 1024;
            unit++;
        }
        String digits = String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
        if (digits.contains(".")) {
            digits = digits.replaceAll("\\.?0+$", "");
        }
        return digits + " " + NAMES[unit];
    }
}
