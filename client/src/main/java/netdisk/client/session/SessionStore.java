package netdisk.client.session;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The client's saved logins, one file per server ({@code session-HOST-PORT}) in {@code $XDG_CONFIG_HOME/netdisk/}
 * ({@code ~/.config/netdisk/} by default).
 *
 * <p>A file holds a bearer token, so it is created readable by its owner only, before any content is in it: the
 * content goes into a new temporary file made with mode 0600 in the same directory (mode 0700), which is then renamed
 * over the old file. A reader therefore sees the old session or the new one, never half of one, and there is no
 * moment at which a token sits in a file that others may read.
 */
public final class SessionStore {

    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    public SessionStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The store where the XDG base directory rules put it: {@code $XDG_CONFIG_HOME/netdisk}, or
     * {@code $HOME/.config/netdisk} when that is unset or not absolute.
     */
    public static SessionStore inConfigHome(Map<String, String> environment) {
        return new SessionStore(xdgDirectory(environment, "XDG_CONFIG_HOME", ".config").resolve("netdisk"));
    }

    /**
     * An XDG base directory: {@code $VARIABLE} if it is set to an absolute path (the specification says to ignore
     * relative ones), else {@code $HOME/fallback}.
     */
    public static Path xdgDirectory(Map<String, String> environment, String variable, String fallback) {
        String value = environment.get(variable);
        if (value != null && !value.isEmpty() && Path.of(value).isAbsolute()) {
            return Path.of(value);
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home).resolve(fallback);
    }

    public Path directory() {
        return directory;
    }

    /** The file for the server at {@code host:port}. */
    public Path file(String host, int port) {
        return directory.resolve("session-" + host.replaceAll("[^A-Za-z0-9.:_-]", "_") + "-" + port);
    }

    /**
     * The session saved for {@code host:port}.
     *
     * @return the session, or empty when there is none or the file is not a session (it is then ignored, and
     *         replaced at the next login)
     */
    public Optional<StoredSession> load(String host, int port) throws IOException {
        String text;
        try {
            text = Files.readString(file(host, port), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        var properties = new Properties();
        properties.load(new StringReader(text));
        String user = properties.getProperty("user");
        String token = properties.getProperty("token");
        String expires = properties.getProperty("expires");
        String directory = properties.getProperty("cwd", "/");
        if (user == null || token == null || expires == null || !directory.startsWith("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredSession(user, token, Long.parseLong(expires), directory));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Saves {@code session} for {@code host:port}, replacing what was there, atomically and with mode 0600. */
    public void save(String host, int port, StoredSession session) throws IOException {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        if (!Files.getPosixFilePermissions(directory).equals(OWNER_DIRECTORY)) {
            Files.setPosixFilePermissions(directory, OWNER_DIRECTORY);
        }
        var properties = new Properties();
        properties.setProperty("user", session.user());
        properties.setProperty("token", session.token());
        properties.setProperty("expires", Long.toString(session.expires()));
        properties.setProperty("cwd", session.workingDirectory());
        var text = new StringWriter();
        properties.store(text, "netdisk login for " + host + ":" + port + " (a secret: keep this file private)");
        Path target = file(host, port);
        Path temporary = Files.createTempFile(directory, ".session-", ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_FILE));
        try {
            Files.setPosixFilePermissions(temporary, OWNER_FILE);
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Forgets the session for {@code host:port}.
     *
     * @return whether there was one
     */
    public boolean delete(String host, int port) throws IOException {
        return Files.deleteIfExists(file(host, port));
    }
}
