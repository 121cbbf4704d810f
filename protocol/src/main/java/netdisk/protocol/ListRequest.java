package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: list the directory at {@code path} (or describe the file there, as a one-entry listing).
 *
 * <pre>
 * +------------------------+
 * | path (string)          |
 * +------------------------+
 * </pre>
 *
 * Answered by one or more {@link Listing} frames, or by an {@link ErrorReply}.
 *
 * @param path a path from the user's root (see "Paths" in the protocol document)
 */
public record ListRequest(String path) implements Message {

    public ListRequest {
        Objects.requireNonNull(path, "path");
    }
}
