package netdisk.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The release version of this netdisk build (client and server alike), from the build (Maven fills {@code version.properties}). */
public final class NetdiskVersion {

    public static final String VALUE = load();

    private NetdiskVersion() {
    }

    private static String load() {
        try (InputStream in = NetdiskVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
