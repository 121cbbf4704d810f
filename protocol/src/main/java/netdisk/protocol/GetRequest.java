package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: send me the file at {@code path}, from byte {@code offset} on.
 *
 * <pre>
 * +------------------------+-----------------+
 * | path (string)          | offset (u64)    |
 * +------------------------+-----------------+
 * </pre>
 *
 * Answered by a {@link FileHeader} followed by the raw content, or by an {@link ErrorReply}.
 *
 * @param path   the file's path on the server, {@code /}-separated, UTF-8
 * @param offset where to start (0 for the whole file); at most 2^63 - 1
 */
public record GetRequest(String path, long offset) implements Message {

    /**
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public GetRequest {
        Objects.requireNonNull(path, "path");
        Wire.checkSize(offset, "offset");
    }
}
