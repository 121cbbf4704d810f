package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: send me the file at {@code path} from byte {@code offset}, with its SHA-256 (since 1.2). Answered
 * by a {@link FileInfo} followed by the raw content, or by an {@link ErrorReply}.
 *
 * <pre>
 * +------------------------+-----------------+
 * | path (string)          | offset (u64)    |
 * +------------------------+-----------------+
 * </pre>
 *
 * @param path   the file, from the user's root
 * @param offset where to start (0 for the whole file); at most the file's size
 */
public record GetFile(String path, long offset) implements Message {

    /**
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public GetFile {
        Objects.requireNonNull(path, "path");
        Wire.checkSize(offset, "offset");
    }
}
