package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: describe the entry at {@code path}.
 *
 * <pre>
 * +------------------------+
 * | path (string)          |
 * +------------------------+
 * </pre>
 *
 * Answered by {@link EntryReply} or by an {@link ErrorReply} ({@code NOT_FOUND}, {@code BAD_PATH}, ...).
 *
 * @param path a path from the user's root
 */
public record StatRequest(String path) implements Message {

    public StatRequest {
        Objects.requireNonNull(path, "path");
    }
}
