package netdisk.client;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Paths of the user's remote tree as the client sends them: absolute, {@code /}-separated, with no empty, {@code .}
 * or {@code ..} names. The server refuses {@code .} and {@code ..} outright, because only the client knows what
 * they are relative to (its working directory), so every path a user types goes through {@link #resolve} first.
 *
 * <p>Names are kept exactly as typed: no Unicode normalisation, no case folding, so that a name's bytes round-trip
 * (a file uploaded as NFD comes back as NFD). What is checked here is only what can never be a name: more than
 * {@value #MAX_NAME_BYTES} UTF-8 bytes, a NUL, or text that has no UTF-8 form (an unpaired surrogate).
 */
public final class RemotePath {

    /** The root of the user's tree. */
    public static final String ROOT = "/";

    /** The longest name, in UTF-8 bytes (the protocol's limit, and most file systems'). */
    public static final int MAX_NAME_BYTES = 255;

    /** The longest path, in UTF-8 bytes (the protocol's limit). */
    public static final int MAX_PATH_BYTES = 4096;

    private RemotePath() {
    }

    /**
     * Resolves what a user typed against a working directory. A leading {@code /} starts from the root; {@code .}
     * is dropped, {@code ..} goes up one level ({@code ..} at the root stays there), repeated and trailing slashes
     * are ignored, and an empty input is the working directory itself.
     *
     * @param workingDirectory an absolute, normalized path (as this method returns)
     * @param input            what the user typed
     * @return the absolute, normalized path, e.g. {@code /docs/报告.txt}; {@code /} for the root
     * @throws InvalidRemotePathException if a name is too long, contains NUL or is not valid Unicode
     */
    public static String resolve(String workingDirectory, String input) throws InvalidRemotePathException {
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(input, "input");
        List<String> names = new ArrayList<>();
        if (!input.startsWith("/")) {
            names.addAll(split(workingDirectory));
        }
        for (String name : split(input)) {
            switch (name) {
                case "." -> { }
                case ".." -> {
                    if (!names.isEmpty()) {
                        names.removeLast();
                    }
                }
                default -> {
                    checkName(name);
                    names.add(name);
                }
            }
        }
        String path = ROOT + String.join("/", names);
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new InvalidRemotePathException("path too long: " + bytes + " bytes in UTF-8, at most "
                    + MAX_PATH_BYTES);
        }
        return path;
    }

    /**
     * Checks one name: not empty, not {@code .} or {@code ..}, no {@code /}, no NUL, valid Unicode, at most
     * {@value #MAX_NAME_BYTES} bytes in UTF-8.
     *
     * @throws InvalidRemotePathException saying which rule the name breaks
     */
    public static void checkName(String name) throws InvalidRemotePathException {
        if (name.isEmpty()) {
            throw new InvalidRemotePathException("a name cannot be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidRemotePathException("'" + name + "' cannot be a name (it only navigates)");
        }
        if (name.indexOf('/') >= 0) {
            throw new InvalidRemotePathException("a name cannot contain '/': " + name);
        }
        if (name.indexOf('\0') >= 0) {
            throw new InvalidRemotePathException("a name cannot contain the NUL character: "
                    + name.replace('\0', '?'));
        }
        int bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(name)).remaining();
        } catch (CharacterCodingException e) {
            throw new InvalidRemotePathException("a name must be valid Unicode (it has an unpaired surrogate): "
                    + name);
        }
        if (bytes > MAX_NAME_BYTES) {
            throw new InvalidRemotePathException("name too long: " + bytes + " bytes in UTF-8, at most "
                    + MAX_NAME_BYTES + ": " + name.substring(0, Math.min(name.length(), 40)) + "...");
        }
    }

    /**
     * The last name of an absolute, normalized path.
     *
     * @return the name, or the empty string for the root
     */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * The directory an absolute, normalized path is in.
     *
     * @return the parent; the root's parent is the root
     */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? ROOT : path.substring(0, slash);
    }

    /**
     * {@code name} inside the directory {@code directory}.
     *
     * @throws InvalidRemotePathException if {@code name} is not a valid name
     */
    public static String child(String directory, String name) throws InvalidRemotePathException {
        checkName(name);
        return directory.equals(ROOT) ? ROOT + name : directory + "/" + name;
    }

    private static List<String> split(String path) {
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }
}
