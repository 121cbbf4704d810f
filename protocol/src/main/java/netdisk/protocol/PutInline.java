package netdisk.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Client → server (1.3): uploads a small file whose content travels inside the frame, answered by {@link PutStored}
 * (or an {@link ErrorReply}; nothing is stored then). No {@link PutReady} round trip, so a client may send many of
 * them without waiting for the answers (pipelining); the server answers them in order.
 *
 * <pre>
 * +----------------------+------------------------+------------------+------------------------------+
 * | path (string)        | sha256 (string)        | length (u32)     | content (length bytes)       |
 * +----------------------+------------------------+------------------+------------------------------+
 * </pre>
 *
 * The content must hash to {@code sha256} ({@code TRANSFER_FAILED} otherwise). {@link #MAX_CONTENT} bounds it, so
 * that the frame stays far below the frame limit whatever the path.
 *
 * @param path    where the file goes
 * @param sha256  the content's SHA-256, lower-case hex
 * @param content the whole content, at most {@link #MAX_CONTENT} bytes
 */
public record PutInline(String path, String sha256, byte[] content) implements Message {

    /** The most content one {@code PutInline} carries: 256 KiB. */
    public static final int MAX_CONTENT = 256 * 1024;

    /**
     * @throws IllegalArgumentException if {@code content} is longer than {@link #MAX_CONTENT}
     */
    public PutInline {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(content, "content");
        if (content.length > MAX_CONTENT) {
            throw new IllegalArgumentException("inline content of " + content.length + " bytes, more than "
                    + MAX_CONTENT);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PutInline that && path.equals(that.path) && sha256.equals(that.sha256)
                && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, sha256, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "PutInline[path=" + path + ", sha256=" + sha256 + ", content=" + content.length + " bytes"
                + (content.length <= 16 ? " " + HexFormat.of().formatHex(content) : "") + "]";
    }
}
