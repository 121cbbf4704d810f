package netdisk.client.progress;

import java.util.Locale;

/** Human-readable byte counts (binary units, as {@code ls -h} and {@code curl} show them) and durations. */
public final class Units {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** {@code 0 B}, {@code 1023 B}, {@code 1.00 KiB}, {@code 2.50 GiB}: three significant digits from KiB up. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String format = value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, format, value, UNITS[unit]);
    }

    /** {@code 0:07}, {@code 12:34}, {@code 3:02:09}; {@code --:--} when unknown (negative). */
    public static String duration(long seconds) {
        if (seconds < 0) {
            return "--:--";
        }
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
