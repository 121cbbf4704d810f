package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: delete the file or directory at {@code path}.
 *
 * <pre>
 * +------------------------+----------------+
 * | path (string)          | recursive (u8) |
 * +------------------------+----------------+
 * </pre>
 *
 * Answered by {@link Done} (how many entries went) or by an {@link ErrorReply} ({@code NOT_EMPTY} for a directory
 * with entries without {@code recursive}).
 *
 * @param path      what to delete, from the user's root; never the root itself
 * @param recursive whether a directory goes with everything in it (u8 1 or 0)
 */
public record RemoveRequest(String path, boolean recursive) implements Message {

    public RemoveRequest {
        Objects.requireNonNull(path, "path");
    }
}
