package netdisk.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Client → server: the answer to a {@link ProveContent}, one SHA-256 (lower-case hex) per range, in its order. The
 * server answers {@link PutStored} (the file is added, its content shared with what was stored), {@link PutReady}
 * (the stored content went away meanwhile: send it after all), or an {@link ErrorReply} {@code TRANSFER_FAILED} when
 * the proof is wrong (nothing is stored).
 *
 * <pre>
 * +---------------+-------------------------+
 * | count (u32)   | count × sha256 (string) |
 * +---------------+-------------------------+
 * </pre>
 *
 * @param hashes SHA-256(nonce ‖ range bytes) for each range
 */
public record ContentProof(List<String> hashes) implements Message {

    public ContentProof {
        hashes = List.copyOf(Objects.requireNonNull(hashes, "hashes"));
    }
}
