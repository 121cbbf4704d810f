package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: I want to store {@code size} bytes as {@code path}.
 *
 * <pre>
 * +------------------------+-----------------+
 * | path (string)          | size (u64)      |
 * +------------------------+-----------------+
 * </pre>
 *
 * The server answers {@link PutReady} (then the client sends the raw content) or an {@link ErrorReply} (then the
 * client sends nothing). The client must not send content before {@link PutReady}.
 *
 * @param path where to store the file on the server, {@code /}-separated, UTF-8
 * @param size the number of content bytes that will follow; at most 2^63 - 1
 */
public record PutRequest(String path, long size) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public PutRequest {
        Objects.requireNonNull(path, "path");
        Wire.checkSize(size, "size");
    }
}
