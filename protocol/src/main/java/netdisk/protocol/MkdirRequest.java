package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: create the directory {@code path}.
 *
 * <pre>
 * +------------------------+--------------+
 * | path (string)          | parents (u8) |
 * +------------------------+--------------+
 * </pre>
 *
 * Answered by {@link EntryReply} (the directory) or by an {@link ErrorReply}.
 *
 * @param path    the directory to create, from the user's root
 * @param parents like {@code mkdir -p}: create missing parents, and accept an existing directory (u8 1 or 0)
 */
public record MkdirRequest(String path, boolean parents) implements Message {

    public MkdirRequest {
        Objects.requireNonNull(path, "path");
    }
}
