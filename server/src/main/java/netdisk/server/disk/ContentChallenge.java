package netdisk.server.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import netdisk.protocol.ProveContent;
import netdisk.protocol.Sha256;
import netdisk.server.storage.BlobId;

/**
 * Proof of possession for an instant upload: the server names a random nonce and random byte ranges of content it
 * stores, and only someone holding those bytes can answer SHA-256(nonce ‖ bytes) for each range. The SHA-256 of the
 * whole file, which may have leaked or been guessed from a public copy, is no help, and neither is an answer to an
 * earlier challenge: every challenge is new.
 *
 * <p>{@value #RANGES} ranges of up to {@value #RANGE_BYTES} bytes (the whole content when it is smaller), so a proof
 * costs the client at most 192 KiB of reading.
 */
public final class ContentChallenge {

    static final int RANGES = 3;
    static final int RANGE_BYTES = 64 * 1024;
    private static final int NONCE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BlobId blob;
    private final byte[] nonce;
    private final List<ProveContent.Range> ranges;

    ContentChallenge(BlobId blob, byte[] nonce, List<ProveContent.Range> ranges) {
        this.blob = blob;
        this.nonce = nonce.clone();
        this.ranges = List.copyOf(ranges);
    }

    static ContentChallenge random(BlobId blob) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        List<ProveContent.Range> ranges = new ArrayList<>();
        if (blob.size() <= RANGE_BYTES) {
            ranges.add(new ProveContent.Range(0, blob.size()));
        } else {
            for (int i = 0; i < RANGES; i++) {
                ranges.add(new ProveContent.Range(RANDOM.nextLong(blob.size() - RANGE_BYTES + 1), RANGE_BYTES));
            }
        }
        return new ContentChallenge(blob, nonce, ranges);
    }

    public BlobId blob() {
        return blob;
    }

    /** The challenge as the client receives it. */
    public ProveContent message() {
        return new ProveContent(HexFormat.of().formatHex(nonce), ranges);
    }

    /** Whether {@code answers} are the right hashes, one per range, computed here from {@code content}. */
    boolean isAnsweredBy(List<String> answers, FileChannel content) throws IOException {
        if (answers.size() != ranges.size()) {
            return false;
        }
        boolean all = true;
        for (int i = 0; i < ranges.size(); i++) {
            byte[] expected = answer(nonce, content, ranges.get(i)).getBytes(StandardCharsets.US_ASCII);
            all &= MessageDigest.isEqual(expected, answers.get(i).getBytes(StandardCharsets.US_ASCII));
        }
        return all;
    }

    /** SHA-256(nonce ‖ content[range]) in lower-case hex: the answer for one range. */
    static String answer(byte[] nonce, FileChannel content, ProveContent.Range range) throws IOException {
        return Sha256.rangeProof(nonce, content, range,
                ByteBuffer.allocate((int) Math.clamp(range.length(), 1, RANGE_BYTES)));
    }
}
