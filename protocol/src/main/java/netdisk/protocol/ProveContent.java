package netdisk.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Server → client: the content of a {@link PutFile} is already stored; prove you have it. For each range, the client
 * answers the SHA-256 of {@code nonce} (its bytes, decoded from hex) followed by the content's bytes in that range, in
 * a {@link ContentProof}. The server picks the nonce and the ranges at random for every request, so knowing the
 * file's SHA-256, or answers to an earlier challenge, proves nothing.
 *
 * <pre>
 * +------------------+---------------+------------------------------------------------+
 * | nonce (string)   | count (u32)   | count × (offset (u64), length (u64))           |
 * +------------------+---------------+------------------------------------------------+
 * </pre>
 *
 * @param nonce  random bytes in lower-case hex
 * @param ranges the byte ranges to hash, each within the content
 */
public record ProveContent(String nonce, List<Range> ranges) implements Message {

    /** Bytes {@code offset} to {@code offset + length - 1} of the content. */
    public record Range(long offset, long length) {

        /**
         * @throws IllegalArgumentException if a value is negative
         */
        public Range {
            Wire.checkSize(offset, "offset");
            Wire.checkSize(length, "length");
        }
    }

    public ProveContent {
        Objects.requireNonNull(nonce, "nonce");
        ranges = List.copyOf(Objects.requireNonNull(ranges, "ranges"));
    }
}
