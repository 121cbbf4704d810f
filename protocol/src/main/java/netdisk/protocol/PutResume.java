package netdisk.protocol;

import java.util.Objects;

/**
 * Server → client (1.3): the answer to a {@link PutFile} when the server still holds the first {@code offset} bytes of
 * an earlier, interrupted upload of the same content (same user, path, size and SHA-256).
 *
 * <pre>
 * +-----------------+------------------------------+
 * | offset (u64)    | prefixSha256 (string)        |
 * +-----------------+------------------------------+
 * </pre>
 *
 * The client hashes its own first {@code offset} bytes and answers {@link ResumeFrom}: the same offset and its own
 * hash when they match, offset 0 to start over. The server then answers {@link PutReady} with the offset it will
 * take the content from. Sent only to clients that said 1.3 or later in their {@link Hello}.
 *
 * @param offset       how many bytes the server holds, {@code 0 < offset <= size}
 * @param prefixSha256 the SHA-256 of those bytes, lower-case hex
 */
public record PutResume(long offset, String prefixSha256) implements Message {

    /**
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public PutResume {
        Wire.checkSize(offset, "offset");
        Objects.requireNonNull(prefixSha256, "prefixSha256");
    }
}
