package netdisk.protocol;

import java.util.Objects;

/**
 * Client → server (1.4): the SHA-256 of the whole content of a {@link PutStream}, sent right after its last content
 * byte with the {@code PutStream}'s request id (also after a resumed upload, and after zero bytes when the server
 * kept them all).
 *
 * <pre>
 * +------------------------+
 * | sha256 (string)        |
 * +------------------------+
 * </pre>
 *
 * @param sha256 the content's SHA-256, 64 lower-case hex digits; anything else is answered {@code TRANSFER_FAILED}
 */
public record PutHash(String sha256) implements Message {

    public PutHash {
        Objects.requireNonNull(sha256, "sha256");
    }
}
