package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server: store {@code size} bytes whose SHA-256 is {@code sha256} as {@code path} (since 1.2). Unlike
 * {@link PutRequest}, the content is verified end to end, and may not need to be sent at all.
 *
 * <pre>
 * +------------------------+-----------------+------------------------+
 * | path (string)          | size (u64)      | sha256 (string)        |
 * +------------------------+-----------------+------------------------+
 * </pre>
 *
 * The server answers one of:
 * <ul>
 *   <li>{@link PutReady}: send the raw content now (from its offset). When it has all of it, the server compares
 *       its SHA-256 with {@code sha256} before anything becomes visible: {@link PutStored}, or an
 *       {@link ErrorReply} {@code TRANSFER_FAILED} and nothing stored.</li>
 *   <li>{@link ProveContent}: the server already stores this content; the client proves it has the bytes with a
 *       {@link ContentProof}, and the file is added without its content being sent (instant upload).</li>
 *   <li>an {@link ErrorReply}, as for {@link PutRequest}.</li>
 * </ul>
 *
 * @param path   where to store the file, from the user's root
 * @param size   the number of content bytes; at most 2^63 - 1
 * @param sha256 the content's SHA-256, 64 lower-case hex digits; anything else is answered {@code TRANSFER_FAILED}
 */
public record PutFile(String path, long size, String sha256) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public PutFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Wire.checkSize(size, "size");
    }
}
