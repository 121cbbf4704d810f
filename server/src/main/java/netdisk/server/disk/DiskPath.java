package netdisk.server.disk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import netdisk.protocol.ErrorCode;
import netdisk.server.storage.Name;

/**
 * A path in a user's tree, as a client sends it: names from the user's root, never an operating-system path.
 *
 * <p>On the wire a path is {@code /}-separated UTF-8; the leading {@code /} is optional (every path starts at the
 * user's root), and repeated or trailing slashes are ignored, so {@code ""}, {@code "/"} and {@code "//"} all name the
 * root. Each name must be a valid {@link Name}; {@code .} and {@code ..} are refused: a client resolves them against
 * its working directory before it sends a path, so the server never has to. At most {@value #MAX_BYTES} bytes.
 */
public record DiskPath(List<Name> names) {

    /** The longest path accepted, in UTF-8 bytes, as PATH_MAX on Linux. */
    public static final int MAX_BYTES = 4096;

    public static final DiskPath ROOT = new DiskPath(List.of());

    public DiskPath {
        names = List.copyOf(names);
    }

    /**
     * Reads a path from the wire.
     *
     * @throws DiskException {@code BAD_PATH}, saying which name is refused and why
     */
    public static DiskPath parse(String wire) throws DiskException {
        Objects.requireNonNull(wire, "wire");
        if (wire.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new DiskException(ErrorCode.BAD_PATH, "path is longer than " + MAX_BYTES + " bytes");
        }
        List<Name> names = new ArrayList<>();
        for (String part : wire.split("/", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new DiskException(ErrorCode.BAD_PATH, "'" + part + "' in " + quoted(wire)
                        + ": the client resolves . and .. before sending a path");
            }
            try {
                names.add(Name.of(part));
            } catch (IllegalArgumentException e) {
                throw new DiskException(ErrorCode.BAD_PATH, quoted(wire) + ": " + e.getMessage());
            }
        }
        return new DiskPath(names);
    }

    public boolean isRoot() {
        return names.isEmpty();
    }

    /** The last name; the root has none. */
    public Name name() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no name");
        }
        return names.getLast();
    }

    /** The directory this path is in; the root's parent is the root. */
    public DiskPath parent() {
        return isRoot() ? this : new DiskPath(names.subList(0, names.size() - 1));
    }

    public DiskPath resolve(Name child) {
        List<Name> longer = new ArrayList<>(names);
        longer.add(child);
        return new DiskPath(longer);
    }

    /** {@code /a/b}; the root is {@code /}. */
    @Override
    public String toString() {
        if (isRoot()) {
            return "/";
        }
        StringBuilder text = new StringBuilder();
        names.forEach(name -> text.append('/').append(name.value()));
        return text.toString();
    }

    /** For messages: quoted, with control characters made visible, so a hostile name cannot garble a line. */
    public static String quoted(String text) {
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (text.codePointCount(0, text.length()) > 200) {
            out.append("…");
        }
        return out.append('\'').toString();
    }
}
