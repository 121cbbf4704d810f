package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server (1.4): store {@code size} bytes as {@code path}, their SHA-256 sent after them, so that the client
 * reads its file once: it hashes the content while sending it.
 *
 * <pre>
 * +------------------------+-----------------+
 * | path (string)          | size (u64)      |
 * +------------------------+-----------------+
 * </pre>
 *
 * The server answers one of:
 * <ul>
 *   <li>{@link PutReady}: send the raw content now (from its offset), then a {@link PutHash} with the whole
 *       content's SHA-256 under this request's id. The server compares it with its own before anything becomes
 *       visible: {@link PutStored}, or an {@link ErrorReply} {@code TRANSFER_FAILED} and nothing stored.</li>
 *   <li>{@link PutResume}: the server kept the start of an earlier streamed upload of this size to this path, which
 *       broke off; answered with {@link ResumeFrom} as for {@link PutFile}.</li>
 *   <li>{@link HashFirst}: the content may be stored already (a stored file has this size), or is too small to
 *       stream: send a {@link PutFile} with the SHA-256 instead, which may make the upload instant.</li>
 *   <li>an {@link ErrorReply}, as for {@link PutFile}.</li>
 * </ul>
 *
 * @param path where to store the file, from the user's root
 * @param size the number of content bytes; at most 2^63 - 1
 */
public record PutStream(String path, long size) implements Message {

    /**
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public PutStream {
        Objects.requireNonNull(path, "path");
        Wire.checkSize(size, "size");
    }
}
