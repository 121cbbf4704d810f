package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server (1.3): the answer to {@link PutResume}, sent with the {@link PutFile}'s request id.
 *
 * <pre>
 * +-----------------+------------------------------+
 * | offset (u64)    | prefixSha256 (string)        |
 * +-----------------+------------------------------+
 * </pre>
 *
 * Either the offer's offset with the SHA-256 of the client's own first {@code offset} bytes (the server checks it
 * against the part it holds, and resumes only if both agree), or offset 0 and an empty hash: start over. The server
 * answers {@link PutReady} with the offset the content must start at (0 whenever the hashes differ).
 *
 * @param offset       the offered offset, or 0
 * @param prefixSha256 the client's SHA-256 of bytes {@code 0..offset-1}, lower-case hex; empty for offset 0
 */
public record ResumeFrom(long offset, String prefixSha256) implements Message {

    /**
     * @throws IllegalArgumentException if {@code offset} is negative
     */
    public ResumeFrom {
        Wire.checkSize(offset, "offset");
        Objects.requireNonNull(prefixSha256, "prefixSha256");
    }
}
