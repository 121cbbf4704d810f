package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server (1.3): resume a download. The client holds the first {@code offset} bytes of the file (an earlier,
 * interrupted download) and says what they hash to.
 *
 * <pre>
 * +----------------------+-----------------+------------------------------+
 * | path (string)        | offset (u64)    | prefixSha256 (string)        |
 * +----------------------+-----------------+------------------------------+
 * </pre>
 *
 * The server hashes the same bytes of its copy and answers {@link FilePart}: from {@code offset} when the hashes
 * agree, from 0 when they do not (the file changed, or the client's part is damaged), with its own prefix hash so
 * that the client checks too.
 *
 * @param path         the file
 * @param offset       how many bytes the client holds
 * @param prefixSha256 their SHA-256, lower-case hex
 */
public record GetFrom(String path, long offset, String prefixSha256) implements Message {

    /**
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public GetFrom {
        Objects.requireNonNull(path, "path");
        Wire.checkSize(offset, "offset");
        Objects.requireNonNull(prefixSha256, "prefixSha256");
    }
}
