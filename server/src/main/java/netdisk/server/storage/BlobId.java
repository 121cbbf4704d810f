package netdisk.server.storage;

import java.util.HexFormat;
import java.util.Objects;

import netdisk.protocol.Sha256;

/**
 * The name of a blob: the SHA-256 of its contents as 64 lower-case hex digits, and its size in bytes.
 *
 * <p>The hash alone names the contents; the size rides along so that callers (quotas, listings, range checks) need not
 * stat the blob file. Only lower-case hex is accepted, so one blob never has two spellings.
 */
public record BlobId(String sha256, long size) {

    public BlobId {
        Objects.requireNonNull(sha256, "sha256");
        if (!isSha256Hex(sha256)) {
            throw new IllegalArgumentException("not a lower-case SHA-256 hex digest: " + sha256);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
    }

    /** Whether {@code text} is 64 lower-case hex digits. */
    public static boolean isSha256Hex(String text) {
        return Sha256.isHex(text);
    }

    static BlobId of(byte[] digest, long size) {
        return new BlobId(HexFormat.of().formatHex(digest), size);
    }
}
