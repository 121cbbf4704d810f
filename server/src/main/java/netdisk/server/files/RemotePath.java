package netdisk.server.files;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import netdisk.protocol.ErrorCode;

/**
 * A path as a client sends it, checked before it comes near the file system: {@code /}-separated names, each
 * 1..255 UTF-8 bytes, no NUL, no {@code .} or {@code ..}, not absolute, at most 4096 bytes in all. Repeated and
 * trailing slashes are tolerated ({@code a//b/} is {@code a/b}).
 */
public record RemotePath(List<String> names) {

    public static final int MAX_NAME_BYTES = 255;
    public static final int MAX_PATH_BYTES = 4096;

    public RemotePath {
        names = List.copyOf(names);
    }

    /**
     * @throws FileAreaException with {@link ErrorCode#BAD_PATH}, saying what is wrong
     */
    public static RemotePath parse(String path) throws FileAreaException {
        if (path.isEmpty()) {
            throw refused("an empty path");
        }
        if (path.indexOf('\0') >= 0) {
            throw refused("a path with a NUL character");
        }
        if (path.startsWith("/")) {
            throw refused("an absolute path (" + path + "): paths are relative to the server's file area");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw refused("a path longer than " + MAX_PATH_BYTES + " bytes");
        }
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals(".") || name.equals("..")) {
                throw refused("'" + name + "' in a path (" + path + ")");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw refused("a name longer than " + MAX_NAME_BYTES + " bytes");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw refused("a path with no name in it (" + path + ")");
        }
        return new RemotePath(names);
    }

    /** The last name: the file's own. */
    public String fileName() {
        return names.getLast();
    }

    @Override
    public String toString() {
        return String.join("/", names);
    }

    private static FileAreaException refused(String what) {
        return new FileAreaException(ErrorCode.BAD_PATH, "refused " + what);
    }
}
